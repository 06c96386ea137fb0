package io.idempo.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * What a delivery does when it finds its key claimed by another delivery that is still running.
 *
 * <ul>
 *   <li>{@link #fail()} (the default): throw {@link DuplicateInProgressException} at once. It is
 *       retryable: the broker redelivers later, by which time the first delivery has completed (the
 *       retry is a duplicate) or failed (the retry runs the handler).
 *   <li>{@link #waitUpTo(Duration)}: poll the store, with a pause that doubles from {@link
 *       #initialPause()} up to {@link #maxPause()}, until the first delivery finishes or {@code
 *       maxWait} has passed. If it completed, the result is replayed; if it failed, this delivery
 *       acquires the claim and runs the handler; if it is still running after {@code maxWait},
 *       {@link DuplicateInProgressException} is thrown.
 * </ul>
 *
 * <p>Waiting is measured on the JVM's monotonic clock ({@link System#nanoTime()}), not on the
 * store's clock. Immutable.
 */
public final class InFlightPolicy {

  private static final Duration INITIAL_PAUSE = Duration.ofMillis(5);
  private static final Duration MAX_PAUSE = Duration.ofMillis(250);
  private static final InFlightPolicy FAIL = new InFlightPolicy(Duration.ZERO);

  private final Duration maxWait;

  private InFlightPolicy(Duration maxWait) {
    this.maxWait = maxWait;
  }

  /** Throw {@link DuplicateInProgressException} at once. The default. */
  public static InFlightPolicy fail() {
    return FAIL;
  }

  /**
   * Wait up to {@code maxWait} for the first delivery to finish, then replay its result or acquire
   * the claim; throw {@link DuplicateInProgressException} if it is still running.
   */
  public static InFlightPolicy waitUpTo(Duration maxWait) {
    Objects.requireNonNull(maxWait, "maxWait");
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must not be negative, was " + maxWait);
    }
    return maxWait.isZero() ? FAIL : new InFlightPolicy(maxWait);
  }

  /** How long a delivery waits at most; zero for {@link #fail()}. */
  public Duration maxWait() {
    return maxWait;
  }

  /** The pause before the first poll. */
  public Duration initialPause() {
    return INITIAL_PAUSE;
  }

  /** The longest pause between two polls. */
  public Duration maxPause() {
    return MAX_PAUSE;
  }

  /**
   * Pauses before poll number {@code attempt} (0 for the first) if the wait that started at {@code
   * startNanos} ({@link System#nanoTime()}) still has time left.
   *
   * @return false if the wait is over and the caller should give up
   * @throws IdempotencyStoreException if the thread is interrupted (the interrupt flag is restored)
   */
  public boolean pauseBeforeRetry(long startNanos, int attempt) {
    long remaining = maxWait.toNanos() - (System.nanoTime() - startNanos);
    if (remaining <= 0) {
      return false;
    }
    long pause = INITIAL_PAUSE.toNanos() << Math.min(attempt, 16);
    pause = Math.min(Math.min(pause, MAX_PAUSE.toNanos()), remaining);
    try {
      Thread.sleep(pause / 1_000_000L, (int) (pause % 1_000_000L));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IdempotencyStoreException(
          "interrupted while waiting for a delivery in progress", e);
    }
    return true;
  }

  /**
   * For {@link IdempotencyStore} implementations: the claim of a key that a first attempt found
   * held by a delivery still running. Pauses before each new {@code attempt} as {@link
   * #pauseBeforeRetry} says, counting the wait from {@code waitStart} ({@link System#nanoTime()});
   * when the wait is over, tells {@code events} that the key is {@linkplain
   * IdempotencyListener#inProgress in progress} and throws {@link DuplicateInProgressException}.
   *
   * @param key the message's key, for the exception
   * @param storedKey the key as stored, for the listener
   * @throws DuplicateInProgressException if the key is still in flight when the wait is over
   */
  public Claim retryInFlight(
      HandlerDescriptor handler,
      String key,
      String storedKey,
      long waitStart,
      StoreEvents events,
      ClaimAttempt attempt) {
    for (int n = 0; ; n++) {
      if (!pauseBeforeRetry(waitStart, n)) {
        events.inProgress(handler, storedKey);
        throw new DuplicateInProgressException(handler, key);
      }
      Claim claim = attempt.attempt();
      if (claim != null) {
        return claim;
      }
    }
  }

  /** One attempt of a store to claim a key, for {@link #retryInFlight}. */
  @FunctionalInterface
  public interface ClaimAttempt {
    /** The acquired or duplicate claim, or null if the key is held by a delivery still running. */
    Claim attempt();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof InFlightPolicy that && maxWait.equals(that.maxWait);
  }

  @Override
  public int hashCode() {
    return maxWait.hashCode();
  }

  @Override
  public String toString() {
    return maxWait.isZero() ? "InFlightPolicy.fail()" : "InFlightPolicy.waitUpTo(" + maxWait + ")";
  }
}
