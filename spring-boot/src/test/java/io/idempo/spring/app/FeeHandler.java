package io.idempo.spring.app;

import io.idempo.IdempotentHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/** Charges the fee of a payment; called by another handler, so its claim nests in that one's. */
@Service
public class FeeHandler {
  private final JdbcTemplate jdbc;
  private final Faults faults;

  public FeeHandler(JdbcTemplate jdbc, Faults faults) {
    this.jdbc = jdbc;
    this.faults = faults;
  }

  @IdempotentHandler(key = "event.paymentId", name = "fees")
  public void charge(PaymentCaptured event) throws LedgerException {
    jdbc.update(
        "INSERT INTO ledger (payment_id, amount_cents, source) VALUES (?, ?, 'fee')",
        event.paymentId(),
        event.amountCents() / 100);
    faults.afterWrite(event.paymentId());
  }
}
