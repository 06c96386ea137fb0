package io.idempo.examples.payments;

import io.idempo.IdempotentHandler;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Captures payments into the ledger, once per payment however often the event is delivered.
 *
 * <p>The annotation processor generates {@code IdempotentPaymentHandler}, a subclass whose {@link
 * #capture} first claims the event's {@code paymentId} in an {@code IdempotencyStore}. With {@code
 * JdbcIdempotencyStore} in {@linkplain IdempotentHandler.Mode#TRANSACTIONAL transactional mode} (the
 * default), the claim row and the ledger entry are written in one database transaction: they
 * commit together, or neither does. A redelivery, even after a crash between the commit and the
 * broker's acknowledgement, finds the claim and skips the method.
 *
 * <pre>{@code
 * JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(dataSource).build();
 * PaymentHandler payments = new IdempotentPaymentHandler(store, store.dataSource());
 * }</pre>
 *
 * <p>Two things make that work, and both are visible here:
 *
 * <ul>
 *   <li>the handler does its JDBC work through the store's transaction-aware {@code DataSource}
 *       ({@code store.dataSource()}, passed to the constructor), so its statements join the claim's
 *       transaction; it neither commits nor rolls back, the claim does;
 *   <li>the handler only appends a ledger entry and never increments a stored balance: balances
 *       are derived from the ledger (the {@code payment_balance} view). Compare {@link
 *       NaivePaymentHandler}.
 * </ul>
 */
public class PaymentHandler {

  private static final String INSERT_ENTRY =
      "INSERT INTO payment_ledger (payment_id, account_id, entry_type, amount_cents)"
          + " VALUES (?, ?, 'CAPTURE', ?)";

  private final DataSource dataSource;

  /**
   * Creates the handler.
   *
   * @param dataSource where the ledger is; in production the store's {@code dataSource()}, so that
   *     the entry commits together with the claim
   */
  public PaymentHandler(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Books the captured amount on the customer's account. */
  @IdempotentHandler(key = "event.paymentId", name = "payments.capture")
  public void capture(PaymentCaptured event) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement(INSERT_ENTRY)) {
      insert.setString(1, event.paymentId().toString());
      insert.setString(2, event.accountId());
      insert.setLong(3, event.amountCents());
      insert.executeUpdate();
    }
  }
}
