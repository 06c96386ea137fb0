package io.idempo.spring.app;

import io.idempo.IdempotentHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/** Writes a ledger row with the auto-configured JdbcTemplate, with no @Transactional. */
@Service
public class JdbcLedgerHandler {
  private final JdbcTemplate jdbc;
  private final Faults faults;

  public JdbcLedgerHandler(JdbcTemplate jdbc, Faults faults) {
    this.jdbc = jdbc;
    this.faults = faults;
  }

  @IdempotentHandler(key = "event.paymentId")
  public void capture(PaymentCaptured event) throws LedgerException {
    jdbc.update(
        "INSERT INTO ledger (payment_id, amount_cents, source) VALUES (?, ?, 'jdbc')",
        event.paymentId(),
        event.amountCents());
    faults.afterWrite(event.paymentId());
  }
}
