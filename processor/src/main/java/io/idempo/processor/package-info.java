/**
 * The Idempo annotation processor. {@link io.idempo.processor.IdempotentHandlerProcessor} runs
 * three steps per handler class: {@code HandlerValidator} (with {@code KeyPathResolver}) checks it
 * and reports every problem, building an immutable {@code HandlerClassModel}; {@code
 * WrapperGenerator} writes {@code Idempotent<Handler>} from that model with JavaPoet. {@code
 * KnownTypes} holds everything the processor knows about the runtime, by name.
 */
package io.idempo.processor;
