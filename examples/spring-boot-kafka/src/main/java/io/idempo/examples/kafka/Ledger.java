package io.idempo.examples.kafka;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The payment ledger (table {@code payment_ledger}, see {@code schema.sql}). */
@Repository
public class Ledger {

  private final JdbcTemplate jdbc;

  public Ledger(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Books {@code payment}, in the caller's transaction. */
  public void book(PaymentEvent payment) {
    jdbc.update(
        "INSERT INTO payment_ledger (payment_id, account_id, amount_cents) VALUES (?, ?, ?)",
        payment.paymentId(),
        payment.accountId(),
        payment.amountCents());
  }
}
