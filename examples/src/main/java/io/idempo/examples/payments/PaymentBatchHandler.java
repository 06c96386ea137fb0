package io.idempo.examples.payments;

import io.idempo.IdempotentHandler;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * Captures payments into the ledger a batch at a time, once per payment however often each event
 * is delivered and in whichever batches: {@link PaymentHandler} for consumers that receive a batch
 * per poll (a Kafka batch listener, an SQS batch).
 *
 * <p>The generated {@code IdempotentPaymentBatchHandler} computes the {@code paymentId} of every
 * event, claims all of them with one call to the store, and calls {@link #capture} with only the
 * events seen for the first time, in their order; with none, it does not call it. With {@code
 * JdbcIdempotencyStore} in transactional mode, the claims and the ledger entries of the whole batch
 * commit in one transaction; if {@code capture} throws, none of them commits and the redelivered
 * batch is captured again.
 *
 * <p>It shares its handler name with {@link PaymentHandler}, {@code payments.capture}: the name
 * scopes the keys, so a consumer that moves from one event per call to batches skips the payments
 * the single-event handler already captured.
 */
public class PaymentBatchHandler {

  private static final String INSERT_ENTRY =
      "INSERT INTO payment_ledger (payment_id, account_id, entry_type, amount_cents)"
          + " VALUES (?, ?, 'CAPTURE', ?)";

  private final DataSource dataSource;

  /**
   * Creates the handler.
   *
   * @param dataSource where the ledger is; in production the store's {@code dataSource()}, so that
   *     the entries commit together with the claims
   */
  public PaymentBatchHandler(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Books each captured amount on its customer's account, with one JDBC batch. */
  @IdempotentHandler(key = "events[*].paymentId", name = "payments.capture")
  public void capture(List<PaymentCaptured> events) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement(INSERT_ENTRY)) {
      for (PaymentCaptured event : events) {
        insert.setString(1, event.paymentId().toString());
        insert.setString(2, event.accountId());
        insert.setLong(3, event.amountCents());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }
}
