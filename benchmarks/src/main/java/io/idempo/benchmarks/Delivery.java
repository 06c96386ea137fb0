package io.idempo.benchmarks;

/**
 * One implementation of "process this delivery at most once": it deduplicates the key and, for a
 * first delivery, does the work. Implementations are thread-safe.
 */
@FunctionalInterface
public interface Delivery {

  /**
   * Processes the delivery of the message with key {@code key}.
   *
   * @return true if the work ran (a first delivery), false if the delivery was a duplicate
   */
  boolean deliver(String key);
}
