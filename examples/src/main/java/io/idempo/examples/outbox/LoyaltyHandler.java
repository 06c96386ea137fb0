package io.idempo.examples.outbox;

import io.idempo.IdempotentHandler;
import io.idempo.runtime.outbox.OutboxEnvelope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The downstream consumer: awards loyalty points for each {@link PaymentCaptured}, one point per
 * whole unit of currency.
 *
 * <p>The relay publishes at least once, and the broker delivers at least once, so the same event
 * can arrive several times, always with the same outbox message id. The generated {@code
 * IdempotentLoyaltyHandler} claims that id in the same transaction as the points, which makes the
 * effect exactly once. Keying by the message id, not by the payment id, is what a consumer does
 * when it does not know the producer's business keys; it works for any event type.
 *
 * <pre>{@code
 * LoyaltyHandler loyalty = new IdempotentLoyaltyHandler(store, store.dataSource());
 * loyalty.onPaymentCaptured(message);        // from the broker; duplicates are skipped
 * }</pre>
 *
 * <p>With a real broker the consumer receives the id in a header (the publisher adapter puts {@code
 * OutboxEnvelope#id()} there) and keys on that header instead.
 */
public class LoyaltyHandler {

  private static final String AWARD =
      "INSERT INTO loyalty_award (message_id, payment_id, account_id, points) VALUES (?, ?, ?, ?)";

  private final DataSource dataSource;

  /**
   * Creates the handler.
   *
   * @param dataSource the store's {@code dataSource()}, so that the award joins the claim's
   *     transaction
   */
  public LoyaltyHandler(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Awards the points for one {@code PaymentCaptured} message. */
  @IdempotentHandler(key = "message.id", name = "outbox-example.loyalty")
  public void onPaymentCaptured(OutboxEnvelope message) throws SQLException {
    PaymentCaptured event = PaymentCaptured.fromBytes(message.payload());
    try (Connection connection = dataSource.getConnection();
        PreparedStatement award = connection.prepareStatement(AWARD)) {
      award.setString(1, message.id().toString());
      award.setString(2, event.paymentId().toString());
      award.setString(3, event.accountId());
      award.setLong(4, event.amountCents() / 100);
      award.executeUpdate();
    }
  }
}
