package io.idempo.examples.broker;

import java.time.Duration;
import java.util.Map;

/**
 * What the broker did during one {@link AtLeastOnceBroker.Run}.
 *
 * @param messages distinct messages published
 * @param scheduled first deliveries scheduled: the messages plus their duplicates
 * @param deliveries every call of the listener, redeliveries included
 * @param acknowledged deliveries acknowledged; each scheduled delivery is acknowledged at most once
 * @param crashes deliveries whose consumer died after the listener returned, before the ack
 * @param failures deliveries whose listener threw
 * @param deadLettered deliveries given up after too many failed attempts
 * @param elapsed wall-clock time from start to the last consumer's end
 * @param failuresByType failures counted by exception class (simple name)
 * @param firstFailure the first failure's {@code toString()}, or null
 * @param fatal the {@link Error} that stopped the run, or null
 */
public record DeliveryStats(
    int messages,
    int scheduled,
    long deliveries,
    long acknowledged,
    long crashes,
    long failures,
    long deadLettered,
    Duration elapsed,
    Map<String, Long> failuresByType,
    String firstFailure,
    String fatal) {

  /** Scheduled deliveries that ended, acknowledged or dead-lettered. */
  public long settled() {
    return acknowledged + deadLettered;
  }

  /** The share of scheduled deliveries that ended, from 0 to 1. */
  public double progress() {
    return scheduled == 0 ? 1.0 : (double) settled() / scheduled;
  }

  /** Listener calls per second of wall-clock time. */
  public double deliveriesPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds <= 0 ? 0 : deliveries / seconds;
  }
}
