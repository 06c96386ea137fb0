package io.idempo.runtime;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of {@link IdempotencyStore#claimBatch}: for a batch of messages, which ones this
 * delivery acquired (their keys were seen for the first time) and which ones are duplicates (an
 * earlier delivery completed them, or the same key comes earlier in the same batch).
 *
 * <p>The caller runs the handler on {@link #acquiredOf the acquired messages} only, in their
 * original order, then calls exactly one of {@link #complete} or {@link #release}, also when
 * nothing was acquired (a store may hold a transaction open until then):
 *
 * <pre>{@code
 * BatchClaim claim = store.claimBatch(SETTLE, keys);
 * List<Payment> fresh = claim.acquiredOf(payments);
 * if (!fresh.isEmpty()) {
 *   try {
 *     super.settle(fresh);
 *   } catch (Throwable failure) {
 *     claim.release(failure);
 *     throw failure;
 *   }
 * }
 * claim.complete();
 * }</pre>
 *
 * <p>This class enforces that sequence; any other call throws {@link IllegalStateException}. Store
 * implementations extend it and implement {@link #recordCompletion} and {@link #discard}.
 */
public abstract class BatchClaim {

  private enum State {
    OPEN,
    COMPLETED,
    RELEASED
  }

  private final int size;
  private final BitSet acquired;
  private State state = State.OPEN;

  /**
   * Creates an open batch claim over {@code size} messages, of which those at the indexes set in
   * {@code acquired} were acquired.
   */
  protected BatchClaim(int size, BitSet acquired) {
    if (size < 0 || acquired.length() > size) {
      throw new IllegalArgumentException(
          "acquired indexes " + acquired + " do not fit a batch of " + size + " messages");
    }
    this.size = size;
    this.acquired = (BitSet) acquired.clone();
  }

  /** The number of messages in the batch, duplicates included. */
  public final int size() {
    return size;
  }

  /** True if the message at {@code index} was acquired: the handler must process it. */
  public final boolean isAcquired(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("index " + index + " of a batch of " + size);
    }
    return acquired.get(index);
  }

  /** The number of acquired messages. */
  public final int acquiredCount() {
    return acquired.cardinality();
  }

  /**
   * The acquired messages among {@code messages} (the batch whose keys were claimed, in the same
   * order), in their original order.
   *
   * @throws IllegalArgumentException if {@code messages} does not have {@link #size()} elements
   */
  public final <M> List<M> acquiredOf(List<M> messages) {
    if (messages.size() != size) {
      throw new IllegalArgumentException(
          "the batch claimed " + size + " keys but " + messages.size() + " messages were given");
    }
    List<M> result = new ArrayList<>(acquired.cardinality());
    for (int i = acquired.nextSetBit(0); i >= 0; i = acquired.nextSetBit(i + 1)) {
      result.add(messages.get(i));
    }
    return result;
  }

  /**
   * Records that the handler processed every acquired message (or that there was none to
   * process). In transactional mode this commits the handler's transaction with the claims.
   *
   * @throws IdempotencyStoreException if the records cannot be written; the batch must then be
   *     treated as not processed (do not acknowledge it)
   */
  public final void complete() {
    if (state != State.OPEN) {
      throw new IllegalStateException("complete() needs an open batch claim; this one is " + describe());
    }
    state = State.COMPLETED;
    recordCompletion();
  }

  /**
   * Releases every acquired claim after the handler threw {@code failure}, so that the next
   * delivery of the batch processes those messages again. In transactional mode this rolls back
   * the handler's transaction. Never throws for a store failure: such a failure is added to {@code
   * failure} as suppressed, so the caller can rethrow {@code failure} unchanged.
   */
  public final void release(Throwable failure) {
    if (state != State.OPEN) {
      throw new IllegalStateException("release() needs an open batch claim; this one is " + describe());
    }
    state = State.RELEASED;
    try {
      discard(failure);
    } catch (RuntimeException | Error releaseFailure) {
      if (failure != null && failure != releaseFailure) {
        failure.addSuppressed(releaseFailure);
      }
    }
  }

  /** Writes the completion records. Called at most once. */
  protected abstract void recordCompletion();

  /** Removes the acquired claims (or rolls back their transaction). Called at most once. */
  protected abstract void discard(Throwable failure);

  private String describe() {
    return state.name().toLowerCase(Locale.ROOT);
  }
}
