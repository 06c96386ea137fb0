package io.idempo.runtime.outbox;

import static com.google.common.truth.Truth.assertThat;

import io.idempo.runtime.jdbc.Dialect;
import io.idempo.runtime.jdbc.SharedPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The outbox contract on a real PostgreSQL, one schema per test, one server per JVM. */
class PostgresOutboxTest extends OutboxContract {

  @Override
  DataSource freshDatabase() {
    return SharedPostgres.freshSchema();
  }

  @Override
  Dialect expectedDialect() {
    return Dialect.POSTGRESQL;
  }

  @Override
  void closeDatabase(DataSource dataSource) {
    SharedPostgres.close(dataSource);
  }

  @Test
  void aSchemaQualifiedTableAndItsIndexesAreCreated() throws Exception {
    String schema = "outbox_" + UUID.randomUUID().toString().replace("-", "");
    execute("CREATE SCHEMA " + schema);
    JdbcOutbox qualified =
        JdbcOutbox.builder(store.dataSource()).tableName(schema + ".events").clock(clock).build();
    qualified.createTableIfMissing();
    qualified.createTableIfMissing();
    UUID id = inTransaction(() -> qualified.send(OutboxMessage.of(TOPIC, "k", new byte[] {1})));
    OutboxRelay relay = relayBuilder(publisher).tableName(schema + ".events").build();
    relays.add(relay);
    relay.runOnce();
    assertThat(publisher.publishedIds()).containsExactly(id);
    assertThat(
            count(
                "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = '"
                    + schema
                    + "' AND indexname IN ('events_unsent_idx', 'events_key_idx', 'events_sent_at_idx')"))
        .isEqualTo(3);
  }

  /**
   * SKIP LOCKED at work. (H2 can apply the row limit before skipping locked rows, so there the
   * second relay may find nothing while the first holds the oldest rows; see docs/outbox.md.)
   */
  @Test
  void whileOneRelayHoldsABatch_anotherSkipsItsRows_publishesOtherKeys_andDefersTheHeldKey()
      throws Exception {
    List<UUID> a = new ArrayList<>();
    inTransaction(
        () -> {
          a.add(outbox.send(OutboxMessage.of(TOPIC, "a", new byte[] {1})));
          a.add(outbox.send(OutboxMessage.of(TOPIC, "a", new byte[] {2})));
          a.add(outbox.send(OutboxMessage.of(TOPIC, "a", new byte[] {3})));
          return null;
        });
    UUID b = inTransaction(() -> outbox.send(OutboxMessage.of(TOPIC, "b", new byte[] {1})));
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    MessagePublisher holding =
        message -> {
          entered.countDown();
          assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
          publisher.publish(message);
        };
    OutboxRelay first = relayBuilder(holding).batchSize(2).build();
    OutboxRelay second = relayBuilder(publisher).batchSize(2).build();
    relays.add(first);
    relays.add(second);
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      Future<OutboxRelay.Batch> held = thread.submit(first::runOnce);
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue(); // first holds a1 and a2

      // The second relay does not wait for the first: it skips a1 and a2, defers a3 behind them,
      // and publishes b.
      assertThat(second.runOnce()).isEqualTo(new OutboxRelay.Batch(2, 1, 0, 1));
      assertThat(publisher.publishedIds()).containsExactly(b);

      release.countDown();
      assertThat(held.get(30, TimeUnit.SECONDS)).isEqualTo(new OutboxRelay.Batch(2, 2, 0, 0));
    } finally {
      release.countDown();
      thread.shutdownNow();
    }
    assertThat(second.runOnce()).isEqualTo(new OutboxRelay.Batch(1, 1, 0, 0));
    assertThat(publisher.publishedIds()).containsExactly(b, a.get(0), a.get(1), a.get(2)).inOrder();
  }
}
