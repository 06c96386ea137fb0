package io.idempo.spring.app;

import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** What the next handler run does after its write: nothing, or throw. Tests set it. */
@Component
public class Faults {

  /** What a handler throws after writing its row. */
  public enum Fault {
    NONE,
    RUNTIME,
    CHECKED,
    /** The transaction's commit fails: a before-commit callback throws, so Spring rolls back. */
    COMMIT
  }

  private final AtomicReference<Fault> next = new AtomicReference<>(Fault.NONE);

  public void failNext(Fault fault) {
    next.set(fault);
  }

  /** Throws the fault set for this run, once. */
  void afterWrite(String paymentId) throws LedgerException {
    switch (next.getAndSet(Fault.NONE)) {
      case RUNTIME -> throw new IllegalStateException("injected failure for " + paymentId);
      case CHECKED -> throw new LedgerException("injected checked failure for " + paymentId);
      case COMMIT ->
          TransactionSynchronizationManager.registerSynchronization(
              new TransactionSynchronization() {
                @Override
                public void beforeCommit(boolean readOnly) {
                  throw new IllegalStateException("injected commit failure for " + paymentId);
                }
              });
      case NONE -> {}
    }
  }
}
