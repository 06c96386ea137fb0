package io.idempo.examples.outbox;

import io.idempo.IdempotentHandler;
import io.idempo.runtime.outbox.Outbox;
import io.idempo.runtime.outbox.OutboxMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The payments service's handler: books a capture and emits {@link PaymentCaptured}, atomically.
 *
 * <p>Booking the capture in the database and then publishing to the broker is a dual write: a crash
 * between the two loses the event, and publishing first can announce a capture that then rolls
 * back. Here the event goes to the outbox table instead, through the same transaction-aware {@code
 * DataSource} as the capture, so the capture, the event and the dedup record of the command commit
 * together or not at all. An {@code OutboxRelay} publishes the event afterwards.
 *
 * <pre>{@code
 * JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(pool).build();
 * CaptureHandler payments =
 *     new IdempotentCaptureHandler(store, store.dataSource(), JdbcOutbox.forStore(store));
 * UUID eventId = payments.capture(command);   // a duplicate command returns the same id
 * }</pre>
 */
public class CaptureHandler {

  private static final String INSERT_CAPTURE =
      "INSERT INTO payment_capture (payment_id, account_id, amount_cents) VALUES (?, ?, ?)";

  private final DataSource dataSource;
  private final Outbox outbox;

  /**
   * Creates the handler.
   *
   * @param dataSource the store's {@code dataSource()}, so that the capture joins the claim's
   *     transaction
   * @param outbox an outbox over the same {@code dataSource()}, for example {@code
   *     JdbcOutbox.forStore(store)}
   */
  public CaptureHandler(DataSource dataSource, Outbox outbox) {
    this.dataSource = dataSource;
    this.outbox = outbox;
  }

  /**
   * Books the capture and emits {@link PaymentCaptured}, keyed by the account so that one account's
   * events are published in order.
   *
   * @return the id of the emitted event; a duplicate command returns the first delivery's id
   */
  @IdempotentHandler(key = "command.paymentId", name = "outbox-example.capture")
  public UUID capture(CapturePayment command) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement(INSERT_CAPTURE)) {
      insert.setString(1, command.paymentId().toString());
      insert.setString(2, command.accountId());
      insert.setLong(3, command.amountCents());
      insert.executeUpdate();
    }
    PaymentCaptured event =
        new PaymentCaptured(command.paymentId(), command.accountId(), command.amountCents());
    return outbox.send(
        OutboxMessage.builder(PaymentCaptured.TOPIC, event.accountId(), event.toBytes())
            .header("type", "PaymentCaptured")
            .build());
  }
}
