package io.idempo.runtime;

import java.util.Arrays;

/**
 * The outcome of {@link IdempotencyStore#claim}: either a <em>duplicate</em>, carrying the result
 * recorded by an earlier delivery, or an <em>acquired</em> claim, which the caller completes (the
 * handler succeeded) or releases (the handler threw) exactly once.
 *
 * <p>This class enforces that sequence; any other call throws {@link IllegalStateException}. Store
 * implementations extend it for acquired claims and implement {@link #recordCompletion} and {@link
 * #discard}; duplicates come from {@link #duplicate(byte[])}.
 */
public abstract class Claim {

  private enum State {
    ACQUIRED,
    COMPLETED,
    RELEASED,
    DUPLICATE
  }

  private State state;
  private final byte[] replayedResult;

  /** Creates an acquired claim. */
  protected Claim() {
    this.state = State.ACQUIRED;
    this.replayedResult = null;
  }

  private Claim(byte[] replayedResult) {
    this.state = State.DUPLICATE;
    this.replayedResult = replayedResult;
  }

  /**
   * A duplicate claim carrying the result that the first delivery recorded: its encoded bytes, or
   * {@code null} for a void handler or a null result.
   */
  public static Claim duplicate(byte[] recordedResult) {
    return new Duplicate(recordedResult == null ? null : recordedResult.clone());
  }

  /** True if an earlier delivery already completed; the handler must not run again. */
  public final boolean isDuplicate() {
    return state == State.DUPLICATE;
  }

  /**
   * The encoded result recorded by the first delivery, or {@code null} for a void handler or a
   * null result. Only for duplicates.
   */
  public final byte[] replayedResult() {
    if (state != State.DUPLICATE) {
      throw new IllegalStateException("replayedResult() is only for duplicate claims; this one is " + describe());
    }
    return replayedResult == null ? null : replayedResult.clone();
  }

  /**
   * Records that the handler succeeded, with its encoded result ({@code null} for void or a null
   * result). In transactional mode this commits the handler's transaction.
   *
   * @throws IdempotencyStoreException if the record cannot be written; the message must then be
   *     treated as not processed (do not acknowledge it)
   */
  public final void complete(byte[] encodedResult) {
    if (state != State.ACQUIRED) {
      throw new IllegalStateException("complete() needs an acquired claim; this one is " + describe());
    }
    state = State.COMPLETED;
    recordCompletion(encodedResult == null ? null : Arrays.copyOf(encodedResult, encodedResult.length));
  }

  /**
   * Releases the claim after the handler threw {@code failure}, so that the next delivery runs the
   * handler again. In transactional mode this rolls back the handler's transaction. Never throws
   * for a store failure: such a failure is added to {@code failure} as suppressed, so the caller
   * can rethrow {@code failure} unchanged.
   */
  public final void release(Throwable failure) {
    if (state != State.ACQUIRED) {
      throw new IllegalStateException("release() needs an acquired claim; this one is " + describe());
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

  /** Writes the completion record. Called at most once, after the handler succeeded. */
  protected abstract void recordCompletion(byte[] encodedResult);

  /** Removes the claim (or rolls back its transaction). Called at most once, after a failure. */
  protected abstract void discard(Throwable failure);

  private String describe() {
    return state.name().toLowerCase(java.util.Locale.ROOT);
  }

  private static final class Duplicate extends Claim {
    Duplicate(byte[] recordedResult) {
      super(recordedResult);
    }

    @Override
    protected void recordCompletion(byte[] encodedResult) {
      throw new AssertionError("unreachable: a duplicate claim cannot complete");
    }

    @Override
    protected void discard(Throwable failure) {
      throw new AssertionError("unreachable: a duplicate claim cannot be released");
    }
  }
}
