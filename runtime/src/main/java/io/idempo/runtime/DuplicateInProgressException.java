package io.idempo.runtime;

/**
 * Another delivery of the same message is being processed right now, so this one did not run the
 * handler. Retryable: deliver the message again later (most brokers do this when the consumer
 * throws). By then the first delivery has either completed, and the retry is a duplicate, or
 * failed, and the retry runs the handler.
 */
public final class DuplicateInProgressException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  private final String handlerName;
  private final String key;

  public DuplicateInProgressException(HandlerDescriptor handler, String key) {
    super(
        "message with key '"
            + abbreviate(key)
            + "' is already being processed by handler "
            + handler.name()
            + " (key path "
            + handler.keyPath()
            + "); retry later");
    this.handlerName = handler.name();
    this.key = key;
  }

  /** The stable name of the handler that holds the claim. */
  public String handlerName() {
    return handlerName;
  }

  /** The key that is being processed. */
  public String key() {
    return key;
  }
}
