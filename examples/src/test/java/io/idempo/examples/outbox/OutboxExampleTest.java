package io.idempo.examples.outbox;

import static com.google.common.truth.Truth.assertThat;

import io.idempo.examples.broker.AtLeastOnceBroker;
import io.idempo.examples.broker.DeliveryStats;
import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import io.idempo.runtime.outbox.InMemoryMessagePublisher;
import io.idempo.runtime.outbox.JdbcOutbox;
import io.idempo.runtime.outbox.MessagePublisher;
import io.idempo.runtime.outbox.OutboxEnvelope;
import io.idempo.runtime.outbox.OutboxRelay;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Upstream → outbox → relay → downstream, with duplicates and crashes at every hop: commands
 * delivered at least once to the payments handler, a relay that dies between publishing and marking
 * sent, and events delivered at least once to the loyalty handler. Each payment is booked once,
 * emits one event, and awards its points once.
 */
class OutboxExampleTest {

  private static final int PAYMENTS = 30;

  private DataSource database;
  private JdbcIdempotencyStore store;
  private JdbcOutbox outbox;

  @BeforeEach
  void setUp() throws SQLException {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:outbox-example-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    database = h2;
    store = JdbcIdempotencyStore.builder(database).build();
    store.createTableIfMissing();
    outbox = JdbcOutbox.forStore(store);
    outbox.createTableIfMissing();
    OutboxExampleSchema.create(database);
  }

  @Test
  void everyPaymentIsBookedOnce_emitsOneEvent_andAwardsItsPointsOnce() throws Exception {
    // 1. Upstream: capture commands, delivered at least once (duplicates, consumer crashes).
    List<CapturePayment> commands = new ArrayList<>();
    long expectedPoints = 0;
    for (int i = 0; i < PAYMENTS; i++) {
      long amountCents = 1_000 + 137L * i;
      commands.add(new CapturePayment(UUID.randomUUID(), "acct-" + (i % 5), amountCents));
      expectedPoints += amountCents / 100;
    }
    CaptureHandler payments = new IdempotentCaptureHandler(store, store.dataSource(), outbox);
    DeliveryStats upstream = deliverAtLeastOnce(commands, payments::capture, 1);
    assertThat(upstream.deliveries()).isGreaterThan(PAYMENTS);
    assertThat(count("SELECT COUNT(*) FROM payment_capture")).isEqualTo(PAYMENTS);
    assertThat(outbox.countUnsent()).isEqualTo(PAYMENTS);

    // 2. The relay publishes in batches of three, and dies after every fourth publish, before
    //    marking its batch sent.
    InMemoryMessagePublisher broker = new InMemoryMessagePublisher();
    int[] publishes = {0};
    MessagePublisher crashing =
        message -> {
          broker.publish(message);
          if (++publishes[0] % 4 == 0) {
            throw new RelayCrash();
          }
        };
    int crashes = 0;
    for (int round = 0; round < 1_000 && outbox.countUnsent() > 0; round++) {
      try (OutboxRelay relay =
          OutboxRelay.builder(database, crashing).dialect(store.dialect()).batchSize(3).build()) {
        relay.runOnce();
      } catch (RelayCrash e) {
        crashes++; // a new relay takes over
      }
    }
    assertThat(outbox.countUnsent()).isEqualTo(0);
    List<OutboxEnvelope> published = broker.published();
    assertThat(crashes).isGreaterThan(0);
    assertThat(published.size()).isGreaterThan(PAYMENTS); // re-published after the crashes...
    assertThat(new HashSet<>(broker.publishedIds())).hasSize(PAYMENTS); // ...with the same ids

    // 3. Downstream: the published events, delivered at least once again.
    LoyaltyHandler loyalty = new IdempotentLoyaltyHandler(store, store.dataSource());
    DeliveryStats downstream = deliverAtLeastOnce(published, loyalty::onPaymentCaptured, 2);
    assertThat(downstream.deliveries()).isGreaterThan(published.size());

    assertThat(count("SELECT COUNT(*) FROM loyalty_award")).isEqualTo(PAYMENTS);
    assertThat(count("SELECT COUNT(DISTINCT payment_id) FROM loyalty_award")).isEqualTo(PAYMENTS);
    assertThat(count("SELECT SUM(points) FROM loyalty_award")).isEqualTo(expectedPoints);
  }

  @Test
  void aDuplicateCommand_returnsTheFirstEventId_andSendsNothing() throws Exception {
    CaptureHandler payments = new IdempotentCaptureHandler(store, store.dataSource(), outbox);
    CapturePayment command = new CapturePayment(UUID.randomUUID(), "acct-1", 25_00);

    UUID first = payments.capture(command);
    UUID again = payments.capture(command);

    assertThat(again).isEqualTo(first);
    assertThat(outbox.countUnsent()).isEqualTo(1);
  }

  private static <T> DeliveryStats deliverAtLeastOnce(
      List<T> messages, io.idempo.examples.broker.MessageListener<T> listener, long seed)
      throws InterruptedException {
    AtLeastOnceBroker<T> broker =
        AtLeastOnceBroker.builder(messages)
            .duplicateRate(0.5)
            .duplicateWindow(5)
            .crashRate(0.2)
            .redeliveryDelay(3)
            .consumers(2)
            .seed(seed)
            .build();
    try (AtLeastOnceBroker<T>.Run run = broker.start(listener)) {
      assertThat(run.await(Duration.ofSeconds(60))).isTrue();
      DeliveryStats stats = run.stats();
      assertThat(stats.fatal()).isNull();
      assertThat(stats.deadLettered()).isEqualTo(0);
      assertThat(stats.crashes()).isGreaterThan(0);
      return stats;
    }
  }

  private long count(String sql) throws SQLException {
    try (Connection connection = database.getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getLong(1);
    }
  }

  /** Stands for the relay's process dying between publishing and marking the batch sent. */
  private static final class RelayCrash extends Error {
    private static final long serialVersionUID = 1L;

    RelayCrash() {
      super("relay crashed before marking its batch sent");
    }
  }
}
