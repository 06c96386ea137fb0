package io.idempo.runtime;

/**
 * A delivery reused an idempotency key that an earlier delivery of the same handler completed
 * with a different payload: the two payload fingerprints differ. The handler did not run and the
 * earlier result is not returned. Not retryable: the same message fails the same way until the
 * record expires. For an API this is the client's error (an HTTP endpoint answers {@code 422
 * Unprocessable Entity}): a new request needs a new key. For a message, it usually means a
 * producer reused an id for different content; route it to a dead-letter queue and look at both.
 */
public final class IdempotencyKeyReuseException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  private final String handlerName;
  private final String key;

  /**
   * Reuse of {@code key} for {@code handler}, whose completed record carries {@code recorded},
   * while this delivery carries {@code delivered}.
   */
  public IdempotencyKeyReuseException(
      HandlerDescriptor handler,
      String key,
      PayloadFingerprint recorded,
      PayloadFingerprint delivered) {
    super(
        "idempotency key '"
            + abbreviate(key)
            + "' of handler "
            + handler.name()
            + " was already used for a different payload (fingerprint of "
            + handler.fingerprintPaths()
            + ": "
            + recorded
            + " recorded, "
            + delivered
            + " now); the handler did not run. Send a new key for a new request.");
    this.handlerName = handler.name();
    this.key = key;
  }

  /** The stable name of the handler whose key was reused. */
  public String handlerName() {
    return handlerName;
  }

  /**
   * The reused key, as the delivery gave it (not its {@code sha256:} digest, which the store keeps
   * and reports to listeners for a key longer than {@link StoredKeys#MAX_LENGTH}).
   */
  public String key() {
    return key;
  }
}
