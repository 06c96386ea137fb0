package io.idempo.runtime;

/** The base of the exceptions Idempo's runtime throws. Unchecked. */
public class IdempotencyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public IdempotencyException(String message) {
    super(message);
  }

  public IdempotencyException(String message, Throwable cause) {
    super(message, cause);
  }

  /** {@code key} for a message: as it is up to 80 characters, else its first 77 and "...". */
  static String abbreviate(String key) {
    return key.length() <= 80 ? key : key.substring(0, 77) + "...";
  }
}
