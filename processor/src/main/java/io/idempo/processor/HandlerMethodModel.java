package io.idempo.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import java.util.Optional;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.type.ExecutableType;

/**
 * One validated {@code @IdempotentHandler} method and everything the generator needs to wrap it.
 *
 * @param method the handler method, declared in the handler class or inherited by it
 * @param signature the method's signature as a member of the handler class, with the type
 *     arguments of generic superclasses substituted
 * @param handlerName the effective handler name: the annotation's {@code name}, or {@code <binary
 *     class name>#<method>}
 * @param keyPath the resolved key path
 * @param fingerprint the payload fingerprint, empty if the handler keeps none
 * @param ttl the ttl as written, already validated
 * @param leaseMode true for {@code Mode.LEASE}
 * @param lease the lease as written, already validated
 * @param codec the result codec, empty for a void method
 * @param constantPrefix the prefix of this method's constants, such as {@code ON_ORDER_PLACED}
 */
record HandlerMethodModel(
    ExecutableElement method,
    ExecutableType signature,
    String handlerName,
    KeyPath keyPath,
    Optional<Fingerprint> fingerprint,
    String ttl,
    boolean leaseMode,
    String lease,
    Optional<Codec> codec,
    String constantPrefix) {

  /** The method's name. */
  String name() {
    return method.getSimpleName().toString();
  }

  /**
   * The result codec of a non-void handler method.
   *
   * @param valueType the codec's type argument: the return type, boxed if primitive
   * @param source where the codec comes from
   * @param primitive true if the method returns a primitive, so a replayed null is an error
   */
  record Codec(TypeName valueType, Source source, boolean primitive) {}

  /** Where a result codec comes from. */
  sealed interface Source permits BuiltIn, Custom, Json, Response {}

  /** {@code ResultCodecs.builtIn(valueType)}, for the types {@link KnownTypes} lists. */
  record BuiltIn() implements Source {}

  /** The class named in {@code codec = ...}, created once and made null-safe. */
  record Custom(TypeName codecClass) implements Source {}

  /**
   * A runtime JSON codec, chosen because the classpath has its Jackson.
   *
   * @param codecClass {@code Jackson3ResultCodec} or {@code Jackson2ResultCodec}
   */
  record Json(ClassName codecClass) implements Source {}

  /**
   * The starter's {@code ResponseEntityCodec}, for a method that returns {@code ResponseEntity<B>}.
   *
   * @param body the codec of {@code B} (its value type is {@code B}), or empty for {@code
   *     ResponseEntity<Void>}
   */
  record Response(Optional<Codec> body) implements Source {}
}
