package io.idempo.test;

import org.opentest4j.AssertionFailedError;

/**
 * Thrown by {@link RedeliveryCheck#assertSameEffectAsOnce()}: the redelivery changed the state. Its
 * expected and actual values are the changed tables' rows after one delivery and after the
 * redelivery, one per line, so that an IDE shows them side by side.
 */
public final class NotIdempotentError extends AssertionFailedError {

  private static final long serialVersionUID = 1L;

  private final transient RedeliveryReport report;

  private NotIdempotentError(RedeliveryReport report, String stateOnce, String stateAfter) {
    super(report.message(), stateOnce, stateAfter, report.failure());
    this.report = report;
  }

  private NotIdempotentError(RedeliveryReport report) {
    super(report.message(), report.failure());
    this.report = report;
  }

  /** The error for {@code report}; without expected and actual values if no table changed. */
  static NotIdempotentError of(RedeliveryReport report) {
    return report.changedTables().isEmpty()
        ? new NotIdempotentError(report)
        : new NotIdempotentError(report, report.stateOnce(), report.stateAfter());
  }

  /** What the check saw. */
  public RedeliveryReport report() {
    return report;
  }
}
