package io.idempo.runtime.outbox;

import java.time.Instant;

/**
 * Observes an {@link OutboxRelay}, for metrics and alerts. Every method has a no-op default. The
 * relay calls it synchronously on the thread that runs the batch; a listener that throws is logged
 * through {@link System.Logger} at {@code WARNING} and otherwise ignored.
 */
public interface OutboxRelayListener {

  /** Ignores everything. */
  OutboxRelayListener NONE = new OutboxRelayListener() {};

  /**
   * The publisher accepted {@code message}. It is marked sent when the batch commits; if the relay
   * dies before that, the message is published again, with the same id.
   */
  default void published(OutboxEnvelope message) {}

  /**
   * The publisher refused {@code message}. It and the later messages of its destination and key
   * wait until {@code nextAttemptAt}.
   */
  default void publishFailed(OutboxEnvelope message, Exception failure, Instant nextAttemptAt) {}

  /**
   * A batch could not run or commit (the database is unreachable, the table is missing). Messages
   * the batch had published are published again later. The polling relay backs off.
   */
  default void batchFailed(Exception failure) {}

  /** {@code count} sent messages past their retention were deleted. */
  default void purged(long count) {}
}
