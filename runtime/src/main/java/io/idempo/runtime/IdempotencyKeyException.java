package io.idempo.runtime;

import java.util.OptionalInt;

/**
 * A message's idempotency key could not be computed: a value on the key path was {@code null}, or
 * the key was blank. The handler did not run. The message itself is malformed, so retrying it will
 * fail the same way; route it to a dead-letter queue.
 *
 * <p>For a batch handler, no message of the batch ran, and {@link #batchIndex()} names the
 * malformed one. Nothing before it was processed either: an integration that reports the index to
 * its broker must not let the broker take the earlier messages as done (Spring Kafka's {@code
 * BatchListenerFailedException} does; see docs/batches.md).
 */
public final class IdempotencyKeyException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  /** -1 for a single-message handler. */
  private final int batchIndex;

  public IdempotencyKeyException(String message) {
    this(message, -1);
  }

  private IdempotencyKeyException(String message, int batchIndex) {
    super(message);
    this.batchIndex = batchIndex;
  }

  /**
   * The position, in the batch handler's list or array, of the message whose key could not be
   * computed (the first such message); empty for a single-message handler.
   */
  public OptionalInt batchIndex() {
    return batchIndex < 0 ? OptionalInt.empty() : OptionalInt.of(batchIndex);
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
            + ")",
        checkIndex(index));
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
            + ")",
        checkIndex(index));
  }

  private static int checkIndex(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("a batch index is 0 or more, was " + index);
    }
    return index;
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
