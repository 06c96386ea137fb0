package io.idempo.test;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import io.idempo.runtime.outbox.JdbcOutbox;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The kit against a real database: it reports the non-idempotent SQL shapes of the checker's test
 * corpus (increments, appends, unguarded transitions, a check-then-insert race, writes outside the
 * claim's transaction) and stays silent on the idempotent ones (absolute writes, guarded
 * transitions, upserts, dedup tables, Idempo wrappers). One subclass per database.
 */
abstract class JdbcRedeliveryContract {

  private static final Payment PAYMENT = new Payment("p-1", "acct-1", 1000);

  DataSource database;
  private StateSource tables;

  /** A new, empty database or schema. */
  abstract DataSource freshDatabase();

  @BeforeEach
  void setUp() throws SQLException {
    database = freshDatabase();
    Sql.create(database);
    Sql.reset(database);
    tables = JdbcState.schema(database).ignoringTables("idempo_claims").ignoringColumns("booked_at");
  }

  private Redelivery<Payment> redelivery(Delivery<Payment> handler) {
    return Redelivery.of(handler).observing(tables);
  }

  // ---- non-idempotent shapes: the kit reports them

  @Test
  void balanceIncrement_isReported_columnByColumn() {
    NotIdempotentError error =
        assertThrows(
            NotIdempotentError.class,
            () ->
                redelivery(
                        p ->
                            Sql.update(
                                database,
                                "UPDATE account SET balance = balance + ? WHERE id = ?",
                                p.amountCents(),
                                p.account()))
                    .with(PAYMENT)
                    .assertSameEffectAsOnce());

    assertThat(error)
        .hasMessageThat()
        .isEqualTo(
            "Delivering Payment[id=p-1, account=acct-1, amountCents=1000] twice did not have the"
                + " same effect as delivering it once:\n"
                + "account: 1 row after one delivery and two, not the same:\n"
                + "  ~ {id=acct-1} balance: 1000 after one delivery, 2000 after two");
    assertThat(error.report().changedTables()).containsExactly("account");
    assertThat(error.isExpectedDefined()).isTrue();
    assertThat(error.getExpected().getStringRepresentation())
        .isEqualTo("account:\n  {id=acct-1, balance=1000, hits=0, status=NEW}");
    assertThat(error.getActual().getStringRepresentation())
        .isEqualTo("account:\n  {id=acct-1, balance=2000, hits=0, status=NEW}");
    assertThat(error.report().wrapper()).isEqualTo(RedeliveryReport.Wrapper.NOT_WATCHED);
  }

  @Test
  void append_isReported_asTheNewRow_withItsGeneratedIdLabelled_andWithoutIgnoredTimestamps() {
    RedeliveryReport report =
        redelivery(
                p ->
                    Sql.update(
                        database,
                        "INSERT INTO ledger (payment_id, amount_cents, booked_at)"
                            + " VALUES (?, ?, CURRENT_TIMESTAMP)",
                        p.id(),
                        p.amountCents()))
            .with(PAYMENT)
            .check();

    assertThat(report.sameEffect()).isFalse();
    assertThat(report.message())
        .contains(
            "ledger: 1 row after one delivery, 2 rows after two:\n"
                + "  + {entry_id=#2, payment_id=p-1, amount_cents=1000}");
  }

  @Test
  void counterAndStockDecrement_areReported() {
    RedeliveryReport report =
        redelivery(
                p -> {
                  Sql.update(database, "UPDATE account SET hits = hits + 1 WHERE id = ?", p.account());
                  Sql.update(database, "UPDATE stock SET qty = qty - ? WHERE sku = ?", 1, "sku-1");
                })
            .with(PAYMENT)
            .check();

    assertThat(report.changedTables()).containsExactly("account", "stock").inOrder();
    assertThat(report.message()).contains("~ {id=acct-1} hits: 1 after one delivery, 2 after two");
    assertThat(report.message()).contains("~ {sku=sku-1} qty: 9 after one delivery, 8 after two");
  }

  @Test
  void decrementGuardedByTheValueItMoves_isReported() {
    // RealisticConsumersTest.onStock: "AND qty >= ?" guards against going negative, not against a
    // redelivery.
    RedeliveryReport report =
        redelivery(
                p ->
                    Sql.update(
                        database,
                        "UPDATE stock SET qty = qty - ? WHERE sku = ? AND qty >= ?",
                        3,
                        "sku-1",
                        3))
            .with(PAYMENT)
            .check();

    assertThat(report.message()).endsWith("stock: 1 row after one delivery and two, not the same:\n"
        + "  ~ {sku=sku-1} qty: 7 after one delivery, 4 after two");
  }

  @Test
  void dedupInsertWithoutItsCheck_throwsOnTheRedelivery_andIsReported() {
    // RealisticConsumersTest.onBalance: the processed row's key makes the redelivery fail in its
    // transaction; the state is the same, but a broker would deliver it again.
    Delivery<Payment> onBalance =
        p -> {
          try (Connection connection = database.getConnection()) {
            connection.setAutoCommit(false);
            try {
              Sql.update(connection, "INSERT INTO processed (message_id) VALUES (?)", p.id());
              Sql.update(connection, "UPDATE account SET balance = balance + ? WHERE id = ?", p.amountCents(), p.account());
              connection.commit();
            } catch (SQLException e) {
              connection.rollback();
              throw e;
            }
          }
        };

    RedeliveryReport report = redelivery(onBalance).with(PAYMENT).check();

    assertThat(report.sameEffect()).isFalse();
    assertThat(report.changedTables()).isEmpty();
    assertThat(report.message()).contains("left the same state as one delivery, but delivery 2 threw");
  }

  @Test
  void deliveredTimes_reportsTheFirstDeliveryThatDiffers() {
    AtomicInteger deliveries = new AtomicInteger();
    RedeliveryReport report =
        redelivery(
                p -> {
                  // Idempotent for one redelivery, not for two: the third delivery books again.
                  if (deliveries.incrementAndGet() != 2) {
                    Sql.update(database, "UPDATE account SET hits = hits + 1 WHERE id = ?", p.account());
                  }
                })
            .with(PAYMENT)
            .deliveredTimes(4)
            .check();

    assertThat(report.message()).startsWith("Delivering Payment[id=p-1, account=acct-1, amountCents=1000] 3 times");
    assertThat(report.message()).contains("hits: 1 after one delivery, 2 after 3 deliveries");
  }

  @Test
  void unguardedTransition_redeliveredAfterANewerMessage_isReported() {
    Payment paid = new Payment("paid", "acct-1", 0);
    Payment shipped = new Payment("shipped", "acct-1", 0);
    Delivery<Payment> setStatus =
        p -> Sql.update(database, "UPDATE account SET status = ? WHERE id = ?", p.id().toUpperCase(java.util.Locale.ROOT), p.account());

    RedeliveryReport report =
        redelivery(setStatus).with(paid).afterOtherMessages(shipped).check();

    assertThat(report.sameEffect()).isFalse();
    assertThat(report.message())
        .contains(
            "~ {id=acct-1} status: SHIPPED after it and 1 other message, PAID after its redelivery");
  }

  @Test
  void redeliveryThatThrows_isReported_becauseTheBrokerWouldDeliverItAgain() {
    RedeliveryReport report =
        redelivery(p -> Sql.update(database, "INSERT INTO processed (message_id) VALUES (?)", p.id()))
            .with(PAYMENT)
            .check();

    assertThat(report.sameEffect()).isFalse();
    assertThat(report.changedTables()).isEmpty();
    assertThat(report.message()).contains("left the same state as one delivery, but delivery 2 threw");
    assertThat(report.message()).contains("a broker would deliver it again");
  }

  @Test
  void checkThenInsert_racesUnderConcurrentDelivery() {
    AtomicInteger arrived = new AtomicInteger();
    Delivery<Payment> checkThenInsert =
        p -> {
          boolean seen =
              Sql.count(database, "SELECT COUNT(*) FROM ledger WHERE payment_id = ?", p.id()) > 0;
          awaitOthers(arrived, 4);
          if (!seen) {
            Sql.update(
                database,
                "INSERT INTO ledger (payment_id, amount_cents, booked_at) VALUES (?, ?, CURRENT_TIMESTAMP)",
                p.id(),
                p.amountCents());
          }
        };

    RedeliveryReport report =
        redelivery(checkThenInsert)
            .startingFrom(() -> {
              Sql.reset(database);
              arrived.set(0);
            })
            .with(PAYMENT)
            .concurrently(4)
            .check();

    assertThat(report.sameEffect()).isFalse();
    assertThat(report.message()).contains("from 4 threads at once did not have the same effect");
    assertThat(report.message()).contains("ledger: 1 row after one delivery, 4 rows after 4 concurrent deliveries");
  }

  // ---- volatile columns matched structurally

  /** An order and its lines, each with a generated id; a line references its order's id. */
  private void createOrders() throws SQLException {
    Sql.update(
        database,
        "CREATE TABLE orders (order_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
            + " payment_id VARCHAR(36) NOT NULL, placed_at TIMESTAMP WITH TIME ZONE NOT NULL)");
    Sql.update(
        database,
        "CREATE TABLE order_line (line_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
            + " order_id BIGINT NOT NULL REFERENCES orders (order_id), sku VARCHAR(32) NOT NULL)");
  }

  private void resetOrders() throws SQLException {
    Sql.update(database, "DELETE FROM order_line");
    Sql.update(database, "DELETE FROM orders");
  }

  /** Places an order for the payment with two lines, every time. */
  private void placeOrder(Payment p) throws SQLException {
    Sql.update(
        database,
        "INSERT INTO orders (payment_id, placed_at) VALUES (?, CURRENT_TIMESTAMP)",
        p.id());
    long order =
        Sql.count(database, "SELECT MAX(order_id) FROM orders WHERE payment_id = ?", p.id());
    for (String sku : new String[] {"sku-a", "sku-b"}) {
      Sql.update(database, "INSERT INTO order_line (order_id, sku) VALUES (?, ?)", order, sku);
    }
  }

  @Test
  void generatedIdsAndReferencesToThem_areLabelled_soTheNewRowsShowWhoseTheyAre() throws SQLException {
    createOrders();

    RedeliveryReport report =
        Redelivery.of(this::placeOrder)
            .observing(
                JdbcState.tables(database, "orders", "order_line").matchingStructurally("placed_at"))
            .with(PAYMENT)
            .check();

    assertThat(report.message())
        .isEqualTo(
            """
            Delivering Payment[id=p-1, account=acct-1, amountCents=1000] twice did not have the \
            same effect as delivering it once:
            orders: 1 row after one delivery, 2 rows after two:
              + {order_id=#2, payment_id=p-1, placed_at=#2}
            order_line: 2 rows after one delivery, 4 rows after two:
              + {line_id=#3, order_id=#2, sku=sku-a}
              + {line_id=#4, order_id=#2, sku=sku-b}""");
  }

  @Test
  void aRowMovedToANewParent_isShownAsAChangedReference() throws SQLException {
    createOrders();
    Delivery<Payment> reorder =
        p -> {
          // Places a new order for the payment and moves the existing lines to it.
          Sql.update(
              database, "INSERT INTO orders (payment_id, placed_at) VALUES (?, CURRENT_TIMESTAMP)", p.id());
          long order = Sql.count(database, "SELECT MAX(order_id) FROM orders WHERE payment_id = ?", p.id());
          if (Sql.update(database, "UPDATE order_line SET order_id = ?", order) == 0) {
            Sql.update(database, "INSERT INTO order_line (order_id, sku) VALUES (?, 'sku-a')", order);
          }
        };

    RedeliveryReport report =
        Redelivery.of(reorder)
            .observing(JdbcState.tables(database, "orders", "order_line").ignoringColumns("placed_at"))
            .with(PAYMENT)
            .check();

    assertThat(report.message())
        .endsWith(
            """
            orders: 1 row after one delivery, 2 rows after two:
              + {order_id=#2, payment_id=p-1}
            order_line: 1 row after one delivery and two, not the same:
              ~ {line_id=#1} order_id: #1 after one delivery, #2 after two""");
  }

  @Test
  void generatedIdsThatDifferBetweenRuns_inTheSamePattern_compareEqual() throws SQLException {
    createOrders();
    Delivery<Payment> placeOnce =
        p -> {
          if (Sql.count(database, "SELECT COUNT(*) FROM orders WHERE payment_id = ?", p.id()) == 0) {
            placeOrder(p);
          }
        };
    Delivery<Payment> rolledBack =
        p -> {
          placeOrder(p);
          resetOrders();
          throw new SQLException("crashed after rolling back by hand");
        };

    // The second run writes other ids (identities are not reset): its rows are labelled alike.
    Redelivery.of(placeOnce)
        .observing(JdbcState.tables(database, "orders", "order_line").matchingStructurally("placed_at"))
        .startingFrom(this::resetOrders)
        .with(PAYMENT)
        .afterFailedDelivery(rolledBack)
        .assertSameEffectAsOnce();

    // Compared by value, the ids of the two runs differ.
    RedeliveryReport byValue =
        Redelivery.of(placeOnce)
            .observing(
                JdbcState.tables(database, "orders", "order_line")
                    .ignoringColumns("placed_at")
                    .includingGeneratedColumns())
            .startingFrom(this::resetOrders)
            .with(PAYMENT)
            .afterFailedDelivery(rolledBack)
            .check();
    assertThat(byValue.sameEffect()).isFalse();
    assertThat(byValue.changedTables()).containsExactly("orders", "order_line").inOrder();
  }

  // ---- idempotent shapes: the kit stays silent

  @Test
  void absoluteWrite_guardedTransition_andUpsert_passEveryVariant() {
    Delivery<Payment> idempotent =
        p -> {
          Sql.update(database, "UPDATE account SET balance = ? WHERE id = ?", p.amountCents(), p.account());
          Sql.update(
              database,
              "UPDATE account SET status = 'PAID', hits = hits + 1 WHERE id = ? AND status = 'NEW'",
              p.account());
          if (Sql.update(database, "UPDATE stock SET qty = ? WHERE sku = ?", 5, "sku-2") == 0) {
            Sql.update(database, "INSERT INTO stock (sku, qty) VALUES (?, ?)", "sku-2", 5);
          }
        };
    Redelivery<Payment> redelivery = redelivery(idempotent).startingFrom(() -> Sql.reset(database));

    redelivery.with(PAYMENT).assertSameEffectAsOnce();
    redelivery.with(PAYMENT).deliveredTimes(5).assertSameEffectAsOnce();
    redelivery.with(PAYMENT).afterOtherMessages(new Payment("p-2", "acct-2", 10)).assertSameEffectAsOnce();
  }

  @Test
  void dedupTable_passes_alsoConcurrently() {
    Delivery<Payment> deduplicated =
        p -> {
          try (Connection connection = database.getConnection()) {
            connection.setAutoCommit(false);
            try {
              int fresh =
                  Sql.update(
                      connection,
                      "INSERT INTO processed (message_id) SELECT ? FROM account WHERE id = ?"
                          + " AND NOT EXISTS (SELECT 1 FROM processed WHERE message_id = ?)",
                      p.id(),
                      p.account(),
                      p.id());
              if (fresh == 1) {
                Sql.update(
                    connection,
                    "UPDATE account SET balance = balance + ? WHERE id = ?",
                    p.amountCents(),
                    p.account());
              }
              connection.commit();
            } catch (SQLException e) {
              connection.rollback();
              throw e;
            }
          }
        };
    Redelivery<Payment> redelivery = redelivery(deduplicated).startingFrom(() -> Sql.reset(database));

    redelivery.with(PAYMENT).assertSameEffectAsOnce();
    redelivery.with(PAYMENT).concurrently(4).assertSameEffectAsOnce();
  }

  @Test
  void firstDeliveryWithoutObservableEffect_failsTheCheck_unlessAllowed() {
    Delivery<Payment> nothing = p -> {};

    AssertionError error =
        assertThrows(AssertionError.class, () -> redelivery(nothing).with(PAYMENT).assertSameEffectAsOnce());

    assertThat(error).hasMessageThat().contains("changed none of the observed state");
    redelivery(nothing).allowingNoEffect().with(PAYMENT).assertSameEffectAsOnce();
  }

  // ---- the Idempo wrapper

  private JdbcIdempotencyStore store(ClaimLog claims) {
    JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(database).listener(claims).build();
    store.createTableIfMissing();
    return store;
  }

  @Test
  void rawHandler_isReported_andItsWrapper_passes_andIsNamedAsTheReason() throws SQLException {
    ClaimLog claims = new ClaimLog();
    JdbcIdempotencyStore store = store(claims);

    NotIdempotentError raw =
        assertThrows(
            NotIdempotentError.class,
            () -> redelivery(new LedgerHandler(database)::book).with(PAYMENT).assertSameEffectAsOnce());
    assertThat(raw.report().changedTables()).containsExactly("account", "ledger").inOrder();

    Sql.reset(database);
    LedgerHandler wrapped = new IdempotentLedgerHandler(store, store.dataSource());
    RedeliveryReport report =
        redelivery(wrapped::book).watchingClaims(claims).with(PAYMENT).deliveredTimes(3).check();

    assertThat(report.sameEffect()).isTrue();
    assertThat(report.wrapper()).isEqualTo(RedeliveryReport.Wrapper.DUPLICATES_SKIPPED);
    assertThat(report.message())
        .contains("The Idempo wrapper made it safe: it recognised the redelivery of ledger.book/p-1");
  }

  @Test
  void wrapper_passesConcurrentDeliveries_andAFailureHalfWay() throws SQLException {
    ClaimLog claims = new ClaimLog();
    JdbcIdempotencyStore store = store(claims);
    LedgerHandler wrapped = new IdempotentLedgerHandler(store, store.dataSource());
    LedgerHandler crashing =
        new IdempotentLedgerHandler(store, FailingDataSource.afterWrites(store.dataSource(), 1));
    Redelivery<Payment> redelivery =
        redelivery(wrapped::book)
            .watchingClaims(claims)
            .startingFrom(() -> Sql.reset(database, store.tableName()));

    redelivery.with(PAYMENT).concurrently(4).assertSameEffectAsOnce();
    RedeliveryReport afterFailure = redelivery.with(PAYMENT).afterFailedDelivery(crashing::book).check();

    assertThat(afterFailure.sameEffect()).isTrue();
    assertThat(afterFailure.wrapper()).isEqualTo(RedeliveryReport.Wrapper.RELEASED_AFTER_FAILURE);
  }

  @Test
  void wrapperWhoseHandlerWritesOutsideTheClaim_isReported_afterAFailureHalfWay() {
    ClaimLog claims = new ClaimLog();
    JdbcIdempotencyStore store = store(claims);
    // The handler's own pool, not store.dataSource(): each write commits on its own.
    LedgerHandler wrapped = new IdempotentLedgerHandler(store, database);
    LedgerHandler crashing = new IdempotentLedgerHandler(store, FailingDataSource.afterWrites(database, 1));

    RedeliveryReport report =
        redelivery(wrapped::book)
            .watchingClaims(claims)
            .startingFrom(() -> Sql.reset(database, store.tableName()))
            .with(PAYMENT)
            .afterFailedDelivery(crashing::book)
            .check();

    assertThat(report.sameEffect()).isFalse();
    assertThat(report.message())
        .contains(
            "ledger: 1 row after one delivery, 2 rows after a failed delivery and its redelivery:\n"
                + "  + {entry_id=#2, payment_id=p-1, amount_cents=1000}");
    assertThat(report.message()).contains("it was not in the claim's transaction");
  }

  @Test
  void duplicateOutboxRow_isReported_andTheWrapperSendingInItsClaim_passes() throws SQLException {
    ClaimLog claims = new ClaimLog();
    JdbcIdempotencyStore store = store(claims);
    JdbcOutbox outbox = JdbcOutbox.forStore(store);
    outbox.createTableIfMissing();
    StateSource sent = MessageState.outbox(database);

    CaptureNotifier raw = new CaptureNotifier(JdbcOutbox.builder(database).requireTransaction(false).build());
    RedeliveryReport naive = Redelivery.of(raw::announce).observing(sent).with(PAYMENT).check();

    assertThat(naive.message())
        .contains(
            "idempo_outbox: 1 row after one delivery, 2 rows after two:\n"
                + "  + {destination=payments.captured, message_key=p-1, payload=\"captured 1000\", headers=");

    CaptureNotifier wrapped = new IdempotentCaptureNotifier(store, outbox);
    Redelivery<Payment> redelivery =
        Redelivery.of(wrapped::announce)
            .observing(sent)
            .watchingClaims(claims)
            .startingFrom(() -> Sql.reset(database, store.tableName(), outbox.tableName()));
    redelivery.with(PAYMENT).concurrently(3).assertSameEffectAsOnce();
    RedeliveryReport report = redelivery.with(PAYMENT).deliveredTimes(3).check();
    assertThat(report.sameEffect()).isTrue();
    assertThat(report.wrapper()).isEqualTo(RedeliveryReport.Wrapper.DUPLICATES_SKIPPED);
  }

  /** Waits until {@code parties} deliveries arrived here, or half a second. */
  private static void awaitOthers(AtomicInteger arrived, int parties) throws InterruptedException {
    arrived.incrementAndGet();
    long deadline = System.nanoTime() + 500_000_000L;
    while (arrived.get() < parties && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }
}
