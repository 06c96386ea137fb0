package io.idempo.examples;

import io.idempo.examples.broker.AtLeastOnceBroker;
import io.idempo.examples.broker.DeliveryStats;
import io.idempo.examples.broker.MessageListener;
import io.idempo.examples.payments.IdempotentPaymentHandler;
import io.idempo.examples.payments.NaivePaymentHandler;
import io.idempo.examples.payments.PaymentCaptured;
import io.idempo.examples.payments.PaymentHandler;
import io.idempo.examples.payments.PaymentsSchema;
import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The demo's core: one reproducible stream of payment events, delivered at least once to a payment
 * handler, and an audit of the ledger afterwards. Each run starts from an empty ledger, so that
 * runs of different handlers on one database compare like for like.
 */
final class PaymentsSimulation {

  /** The demo's own idempotency table, so that it never touches an application's records. */
  static final String CLAIMS_TABLE = "idempo_demo_claims";

  private static final Duration POLL = Duration.ofMillis(100);

  private final DataSource dataSource;
  private final DemoOptions options;
  private final List<PaymentCaptured> events;
  private final JdbcIdempotencyStore store;

  PaymentsSimulation(DataSource dataSource, DemoOptions options) {
    this.dataSource = dataSource;
    this.options = options;
    this.events = PaymentStream.generate(options.events(), options.seed());
    this.store = JdbcIdempotencyStore.builder(dataSource).tableName(CLAIMS_TABLE).build();
  }

  /** The published events, in publish order. */
  List<PaymentCaptured> events() {
    return events;
  }

  /** Creates the tables unless they exist. */
  void createTables() throws SQLException {
    PaymentsSchema.create(dataSource);
    store.createTableIfMissing();
  }

  /** Runs the stream through {@link NaivePaymentHandler}. */
  RunReport runNaive(Consumer<DeliveryStats> progress) throws SQLException, InterruptedException {
    return run("NaivePaymentHandler", new NaivePaymentHandler(dataSource), progress);
  }

  /**
   * Runs the stream through the generated {@code IdempotentPaymentHandler}, over a {@link
   * JdbcIdempotencyStore} in the same database, with the handler's JDBC work going through the
   * store's transaction-aware {@code DataSource}.
   */
  RunReport runIdempotent(Consumer<DeliveryStats> progress) throws SQLException, InterruptedException {
    PaymentHandler handler = new IdempotentPaymentHandler(store, store.dataSource());
    return run("IdempotentPaymentHandler", handler::capture, progress);
  }

  /**
   * Empties the ledger and the dedup records, delivers the stream to {@code listener} and audits
   * the ledger. {@code progress} is called on this thread about every 100 ms.
   */
  RunReport run(String name, MessageListener<PaymentCaptured> listener, Consumer<DeliveryStats> progress)
      throws SQLException, InterruptedException {
    PaymentsSchema.reset(dataSource, PaymentStream.accountIds());
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("TRUNCATE TABLE " + CLAIMS_TABLE);
    }
    AtLeastOnceBroker<PaymentCaptured> broker =
        AtLeastOnceBroker.builder(events)
            .duplicateRate(options.duplicateRate())
            .crashRate(options.crashRate())
            .consumers(options.consumers())
            .seed(options.seed())
            .build();
    DeliveryStats stats;
    try (AtLeastOnceBroker<PaymentCaptured>.Run run = broker.start(listener)) {
      while (!run.await(POLL)) {
        progress.accept(run.stats());
      }
      stats = run.stats();
    }
    return new RunReport(name, stats, LedgerAudit.of(dataSource, events));
  }

  /** One handler's run: what the broker did and what the ledger shows. */
  record RunReport(String handler, DeliveryStats delivery, LedgerAudit audit) {}
}
