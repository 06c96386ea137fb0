package io.idempo.runtime;

/**
 * The store could not be read or written (the database is down, the connection broke, the table
 * is missing). Nothing was recorded as done: treat the message as not processed, so that it is
 * delivered again.
 */
public class IdempotencyStoreException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  public IdempotencyStoreException(String message) {
    super(message);
  }

  public IdempotencyStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
