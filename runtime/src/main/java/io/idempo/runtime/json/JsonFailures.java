package io.idempo.runtime.json;

import io.idempo.runtime.IdempotencyException;
import io.idempo.runtime.IdempotencyStoreException;

/** The exceptions both JSON codecs throw, with the same messages whichever Jackson they use. */
final class JsonFailures {

  /** A JSON null, read once per codec to build its deserializers. */
  static final byte[] NULL = {'n', 'u', 'l', 'l'};

  private JsonFailures() {}

  /**
   * Thrown by the codecs' type validators when Jackson is about to read a class name from JSON,
   * so that the codec can tell this refusal from any other failure without reading messages.
   */
  static final class ClassNameRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ClassNameRefused(String baseType) {
      super("class names as type ids are refused (base type " + baseType + ")");
    }
  }

  /**
   * Creating the codec of {@code type} failed: {@link #polymorphicTyping} if {@link
   * ClassNameRefused} caused it, else {@code failure} as an unchecked exception.
   */
  static RuntimeException creation(JsonResultType<?> type, Exception failure) {
    if (isClassNameRefused(failure)) {
      return polymorphicTyping(type, failure);
    }
    return failure instanceof RuntimeException unchecked
        ? unchecked
        : new IllegalArgumentException(
            "cannot read result type " + type + " as JSON: " + failure.getMessage(), failure);
  }

  /** A result type, or a type inside it, asks for class names in the JSON. */
  static IllegalArgumentException polymorphicTyping(JsonResultType<?> type, Throwable cause) {
    return new IllegalArgumentException(
        "result type "
            + type
            + " asks Jackson for polymorphic typing by class name (@JsonTypeInfo with use = CLASS"
            + " or MINIMAL_CLASS, on it or on a type it contains), which Idempo's JSON result codec"
            + " refuses: a class name read back from stored bytes could make Jackson instantiate"
            + " any class on the classpath. Use @JsonTypeInfo(use = NAME) with @JsonSubTypes, which"
            + " names a closed set of subtypes, or name a codec of your own in"
            + " @IdempotentHandler(codec = ...)",
        cause);
  }

  /** A result of {@code type} could not be written as JSON. */
  static IdempotencyException encode(JsonResultType<?> type, Exception cause) {
    return new IdempotencyException(
        "the result of type " + type + " cannot be written as JSON: " + cause.getMessage(), cause);
  }

  /**
   * Stored bytes are not the JSON of a result of {@code type}; or, if {@link ClassNameRefused}
   * caused the failure, the type asks for class names after all.
   */
  static RuntimeException decode(JsonResultType<?> type, Exception cause) {
    if (isClassNameRefused(cause)) {
      return polymorphicTyping(type, cause);
    }
    return new IdempotencyStoreException(
        "the stored result is not valid JSON for result type " + type + ": " + cause.getMessage(),
        cause);
  }

  private static boolean isClassNameRefused(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ClassNameRefused) {
        return true;
      }
    }
    return false;
  }
}
