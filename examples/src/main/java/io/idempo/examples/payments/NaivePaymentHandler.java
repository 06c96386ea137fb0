package io.idempo.examples.payments;

import io.idempo.examples.broker.MessageListener;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The payments listener as teams first write it, before Idempo: correct when every event arrives
 * exactly once, wrong under at-least-once delivery. A redelivered event (a duplicate, or the
 * redelivery after a crash between the commit and the acknowledgement) books the amount again and
 * adds it to the balance again: the customer is charged twice.
 *
 * <p>The {@code NonIdempotentMutation} check flags the balance update when this module compiles
 * (see {@code examples/README.md}); {@link PaymentHandler} is the fixed version. This class is kept
 * as the "before" picture and as the demo's baseline. Do not copy it.
 */
public final class NaivePaymentHandler implements MessageListener<PaymentCaptured> {

  private static final String INSERT_ENTRY =
      "INSERT INTO payment_ledger (payment_id, account_id, entry_type, amount_cents)"
          + " VALUES (?, ?, 'CAPTURE', ?)";

  private static final String ADD_TO_BALANCE =
      "UPDATE payment_account SET balance_cents = balance_cents + ? WHERE account_id = ?";

  private final DataSource dataSource;

  public NaivePaymentHandler(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Books the amount and adds it to the account's balance, in one transaction. */
  @Override
  public void onMessage(PaymentCaptured event) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try (PreparedStatement insert = connection.prepareStatement(INSERT_ENTRY);
          PreparedStatement credit = connection.prepareStatement(ADD_TO_BALANCE)) {
        insert.setString(1, event.paymentId().toString());
        insert.setString(2, event.accountId());
        insert.setLong(3, event.amountCents());
        insert.executeUpdate();
        credit.setLong(1, event.amountCents());
        credit.setString(2, event.accountId());
        credit.executeUpdate();
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    }
  }
}
