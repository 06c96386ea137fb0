package io.idempo.spring.app;

import io.idempo.IdempotentHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The same handler under @Transactional, the way most Spring listeners are written. */
@Service
public class TransactionalLedgerHandler {
  private final JdbcTemplate jdbc;
  private final Faults faults;

  public TransactionalLedgerHandler(JdbcTemplate jdbc, Faults faults) {
    this.jdbc = jdbc;
    this.faults = faults;
  }

  @Transactional
  @IdempotentHandler(key = "event.paymentId")
  public void capture(PaymentCaptured event) throws LedgerException {
    jdbc.update(
        "INSERT INTO ledger (payment_id, amount_cents, source) VALUES (?, ?, 'tx')",
        event.paymentId(),
        event.amountCents());
    faults.afterWrite(event.paymentId());
  }
}
