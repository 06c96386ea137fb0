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
}
