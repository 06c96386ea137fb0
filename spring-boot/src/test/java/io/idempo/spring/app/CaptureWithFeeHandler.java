package io.idempo.spring.app;

import io.idempo.IdempotentHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/** Captures a payment and charges its fee through another idempotent handler. */
@Service
public class CaptureWithFeeHandler {
  private final JdbcTemplate jdbc;
  private final FeeHandler fees;

  public CaptureWithFeeHandler(JdbcTemplate jdbc, FeeHandler fees) {
    this.jdbc = jdbc;
    this.fees = fees;
  }

  @IdempotentHandler(key = "event.paymentId")
  public void capture(PaymentCaptured event) throws LedgerException {
    jdbc.update(
        "INSERT INTO ledger (payment_id, amount_cents, source) VALUES (?, ?, 'capture')",
        event.paymentId(),
        event.amountCents());
    fees.charge(event);
  }

  /** The same, but carries on without the fee when charging it fails. */
  @IdempotentHandler(key = "event.paymentId", name = "capture-fee-optional")
  public void captureIgnoringFeeFailure(PaymentCaptured event) {
    jdbc.update(
        "INSERT INTO ledger (payment_id, amount_cents, source) VALUES (?, ?, 'capture')",
        event.paymentId(),
        event.amountCents());
    try {
      fees.charge(event);
    } catch (LedgerException | RuntimeException e) {
      // a careless handler: the fee's failure must still not let half a delivery commit
    }
  }
}
