package io.idempo.test;

/**
 * Brings the state back to where a check starts (empty tables, the accounts a test needs, cleared
 * recorders), for the checks that compare two runs from the same start: {@link
 * RedeliveryCheck#concurrently} and {@link RedeliveryCheck#afterFailedDelivery}.
 */
@FunctionalInterface
public interface Setup {

  /** Resets the state. */
  void run() throws Exception;
}
