package io.idempo.runtime;

import java.time.Duration;

/**
 * Observes what a store decides, for metrics and tracing. Every method has a no-op default, so an
 * implementation overrides only what it counts.
 *
 * <p>Stores call listeners synchronously on the thread that made the call, after the decision is
 * made and outside any lock. A listener must be fast and thread-safe. An exception thrown by a
 * listener is reported through {@link System.Logger} and otherwise ignored: it never changes the
 * outcome of a claim.
 *
 * <p>{@code key} is the key as stored: the message's key, or its {@code sha256:} digest when it is
 * longer than {@link StoredKeys#MAX_LENGTH} (see {@link StoredKeys}).
 */
public interface IdempotencyListener {

  /** A listener that does nothing. */
  IdempotencyListener NONE = new IdempotencyListener() {};

  /** A delivery acquired the claim on a fresh key: the handler is about to run. */
  default void claimed(HandlerDescriptor handler, String key) {}

  /**
   * A delivery acquired the claim by taking over an expired record: a completed record older than
   * the handler's ttl, or a lease that ran out. The handler is about to run.
   */
  default void expired(HandlerDescriptor handler, String key) {}

  /** A delivery found a completed record: the handler does not run and its result is replayed. */
  default void duplicate(HandlerDescriptor handler, String key) {}

  /**
   * A delivery found a completed record of its key with another payload fingerprint: the handler
   * does not run and the store is about to throw {@link IdempotencyKeyReuseException}.
   */
  default void keyReused(HandlerDescriptor handler, String key) {}

  /**
   * A delivery found the key claimed by another delivery that is still running, and gave up (after
   * waiting, if the store waits): it is about to throw {@link DuplicateInProgressException}.
   */
  default void inProgress(HandlerDescriptor handler, String key) {}

  /**
   * A claim reached its decision {@code duration} after {@link IdempotencyStore#claim} was called:
   * the claim's latency, waits for row locks and for deliveries in flight included. Called once per
   * decided claim, right after its {@link #claimed}, {@link #expired}, {@link #duplicate} or {@link
   * #inProgress}; not called for a claim that fails (an invalid key, an unreachable store).
   */
  default void claimTimed(HandlerDescriptor handler, String key, Duration duration) {}

  /** The handler succeeded and its completion is recorded (committed). */
  default void completed(HandlerDescriptor handler, String key) {}

  /** The handler threw; the claim was released, so the next delivery runs the handler again. */
  default void released(HandlerDescriptor handler, String key, Throwable failure) {}

  /** {@code count} expired records were deleted by one {@code purgeExpired} call. */
  default void purged(long count) {}
}
