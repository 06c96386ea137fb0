package io.idempo.runtime.outbox;

import io.idempo.runtime.IdempotencyException;

/**
 * The outbox could not be written or read (the database is down, the table is missing, a message
 * id is already taken). From {@link Outbox#send}, let it propagate: the handler's transaction rolls
 * back and the message that triggered it is delivered again.
 */
public class OutboxException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  public OutboxException(String message) {
    super(message);
  }

  public OutboxException(String message, Throwable cause) {
    super(message, cause);
  }
}
