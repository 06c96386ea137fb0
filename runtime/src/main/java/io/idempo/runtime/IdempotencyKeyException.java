package io.idempo.runtime;

/**
 * A message's idempotency key could not be computed: a value on the key path was {@code null}, or
 * the key was blank. The handler did not run. The message itself is malformed, so retrying it will
 * fail the same way; route it to a dead-letter queue.
 */
public final class IdempotencyKeyException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  public IdempotencyKeyException(String message) {
    super(message);
  }

  /**
   * The value at {@code nullPath} (a prefix of the handler's key path, such as {@code
   * event.customer}) was null.
   */
  public static IdempotencyKeyException nullAt(HandlerDescriptor handler, String nullPath) {
    return new IdempotencyKeyException(
        "idempotency key of handler "
            + handler.name()
            + " is missing: "
            + nullPath
            + " is null (key path "
            + handler.keyPath()
            + ")");
  }

  /**
   * In the message at {@code index} of a batch, the value at {@code nullPath} (a prefix of the
   * batch handler's key path, such as {@code events[*].customer}) was null. The message reads as
   * {@code events[3].customer is null}.
   */
  public static IdempotencyKeyException nullAt(
      HandlerDescriptor handler, String nullPath, int index) {
    return new IdempotencyKeyException(
        "idempotency key of message "
            + index
            + " in a batch for handler "
            + handler.name()
            + " is missing: "
            + nullPath.replace("[*]", "[" + index + "]")
            + " is null (key path "
            + handler.keyPath()
            + ")");
  }

  /** The key computed for the message at {@code index} of a batch was blank. */
  public static IdempotencyKeyException blank(HandlerDescriptor handler, int index) {
    return new IdempotencyKeyException(
        "idempotency key of message "
            + index
            + " in a batch for handler "
            + handler.name()
            + " is blank (key path "
            + handler.keyPath()
            + ")");
  }

  /** The key computed from the handler's key path was null or blank. */
  public static IdempotencyKeyException blank(HandlerDescriptor handler) {
    return new IdempotencyKeyException(
        "idempotency key of handler "
            + handler.name()
            + " is blank (key path "
            + handler.keyPath()
            + ")");
  }
}
