/**
 * JSON result codecs, which the processor chooses for a handler's result type that has no built-in
 * codec when the application compiles with Jackson: {@link
 * io.idempo.runtime.json.Jackson3ResultCodec} for Jackson 3, {@link
 * io.idempo.runtime.json.Jackson2ResultCodec} for Jackson 2 (with its java.time and jdk8 modules),
 * and {@link io.idempo.runtime.json.JsonResultType}, which carries a generic result type to them.
 *
 * <p>Jackson is an optional dependency of the runtime: only these classes use it, and only
 * wrappers generated with Jackson on the classpath call them. No class name is ever read from
 * stored JSON. See {@code docs/generated-code.md}.
 */
package io.idempo.runtime.json;
