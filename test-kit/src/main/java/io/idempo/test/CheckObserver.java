package io.idempo.test;

/**
 * Hears of the checks a {@link Redelivery} builds and of what they saw, so that {@link
 * Redeliveries} can report each check and fail a test that built a check and never ran it.
 */
interface CheckObserver {

  /** One check, from {@link Redelivery#with} on: its variants share it. */
  interface Pending {

    /** The check started running. */
    void started();

    /** The check ran and saw {@code report}. */
    void ran(RedeliveryReport report);
  }

  /** A check of {@code message} (as shown in messages) was built. */
  Pending built(String message);
}
