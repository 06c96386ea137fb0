package io.idempo.test;

/** Thrown by {@link RedeliveryCheck#assertSameEffectAsOnce()}: the redelivery changed the state. */
public final class NotIdempotentError extends AssertionError {

  private static final long serialVersionUID = 1L;

  private final transient RedeliveryReport report;

  NotIdempotentError(RedeliveryReport report) {
    super(report.message(), report.failure());
    this.report = report;
  }

  /** What the check saw. */
  public RedeliveryReport report() {
    return report;
  }
}
