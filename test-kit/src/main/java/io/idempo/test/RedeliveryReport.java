package io.idempo.test;

import java.util.List;

/**
 * What a {@link RedeliveryCheck} saw: whether the redelivery had the same effect as one delivery,
 * the tables that differ, what the Idempo wrapper decided, and the text a person reads.
 */
public final class RedeliveryReport {

  /** What the Idempo wrapper's store decided for the redeliveries, as a {@link ClaimLog} saw it. */
  public enum Wrapper {
    /** No {@link ClaimLog} was given: the check cannot tell. */
    NOT_WATCHED,
    /** The log saw no claim: the handler is not wrapped (or its store reports elsewhere). */
    NO_CLAIMS,
    /** The wrapper recognised every redelivery and did not run the handler for it. */
    DUPLICATES_SKIPPED,
    /** The wrapper claimed the key again: the handler body ran for a redelivery. */
    CLAIMED_AGAIN,
    /** The failed delivery's claim was released and its redelivery ran the handler. */
    RELEASED_AFTER_FAILURE
  }

  private final boolean sameEffect;
  private final List<String> changedTables;
  private final Wrapper wrapper;
  private final String message;
  private final Throwable failure;
  private final String stateOnce;
  private final String stateAfter;

  RedeliveryReport(
      boolean sameEffect,
      List<String> changedTables,
      Wrapper wrapper,
      String message,
      Throwable failure,
      String stateOnce,
      String stateAfter) {
    this.sameEffect = sameEffect;
    this.changedTables = List.copyOf(changedTables);
    this.wrapper = wrapper;
    this.message = message;
    this.failure = failure;
    this.stateOnce = stateOnce;
    this.stateAfter = stateAfter;
  }

  /** True if the state after the redelivery equals the state after one delivery. */
  public boolean sameEffect() {
    return sameEffect;
  }

  /** The tables that differ, in the sources' order; empty when {@link #sameEffect()}. */
  public List<String> changedTables() {
    return changedTables;
  }

  /** What the wrapper decided for the redeliveries. */
  public Wrapper wrapper() {
    return wrapper;
  }

  /** The explanation: what ran, what differs, and who kept (or did not keep) the effect the same. */
  public String message() {
    return message;
  }

  /** The exception a redelivery threw, which a broker would answer with yet another delivery; or null. */
  Throwable failure() {
    return failure;
  }

  /** The changed tables' rows after one delivery, sorted: the "expected" side of an IDE's diff. */
  String stateOnce() {
    return stateOnce;
  }

  /** The changed tables' rows after the redelivery, sorted: the "actual" side. */
  String stateAfter() {
    return stateAfter;
  }

  @Override
  public String toString() {
    return message;
  }
}
