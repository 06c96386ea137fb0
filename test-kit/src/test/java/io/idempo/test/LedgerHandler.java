package io.idempo.test;

import io.idempo.IdempotentHandler;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Books a payment and adds it to a stored balance: not idempotent by itself; its generated
 * wrapper, {@code IdempotentLedgerHandler}, makes it so.
 */
public class LedgerHandler {

  private final DataSource dataSource;

  public LedgerHandler(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @IdempotentHandler(key = "payment.id", name = "ledger.book")
  public void book(Payment payment) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      Sql.update(
          connection,
          "INSERT INTO ledger (payment_id, amount_cents, booked_at) VALUES (?, ?, CURRENT_TIMESTAMP)",
          payment.id(),
          payment.amountCents());
      Sql.update(
          connection,
          "UPDATE account SET balance = balance + ? WHERE id = ?",
          payment.amountCents(),
          payment.account());
    }
  }
}
