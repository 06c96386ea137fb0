package io.idempo.examples.kafka;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.TransactionExecutionListener;

/**
 * Crash testing only, off unless {@code payments.crash.halt-after-commit=N}: halts the JVM ({@link
 * Runtime#halt}, no shutdown hooks, like a SIGKILL) right after the N-th transaction of {@link
 * PaymentsConsumer#onPayment} commits, before the listener returns, so before Kafka commits the
 * offset. The event is then delivered again on restart, after its ledger entry, claim and outbox
 * message committed. Spring Boot adds every {@link TransactionExecutionListener} bean to its
 * transaction manager, so the consumer's code knows nothing of this.
 */
@Component
@ConditionalOnProperty("payments.crash.halt-after-commit")
class HaltAfterCommit implements TransactionExecutionListener {

  /** The exit status of the halted JVM. */
  static final int STATUS = 99;

  static final String MARKER = "HALT after the commit of payment delivery ";

  private final int nth;
  private final AtomicInteger commits = new AtomicInteger();

  HaltAfterCommit(Environment environment) {
    this.nth = environment.getRequiredProperty("payments.crash.halt-after-commit", Integer.class);
  }

  @Override
  public void afterCommit(TransactionExecution transaction, Throwable commitFailure) {
    String name = transaction.getTransactionName();
    if (commitFailure == null
        && transaction.isNewTransaction()
        && name != null
        && name.endsWith(".onPayment")
        && commits.incrementAndGet() == nth) {
      System.out.println(MARKER + nth);
      System.out.flush();
      Runtime.getRuntime().halt(STATUS);
    }
  }
}
