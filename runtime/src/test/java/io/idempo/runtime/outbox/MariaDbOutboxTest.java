package io.idempo.runtime.outbox;

import static com.google.common.truth.Truth.assertThat;

import io.idempo.runtime.jdbc.Dialect;
import io.idempo.runtime.jdbc.SharedMariaDb;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The outbox contract on a real MariaDB, one database per test, one server per JVM. */
class MariaDbOutboxTest extends OutboxContract {

  @Override
  DataSource freshDatabase() {
    return SharedMariaDb.freshDatabase();
  }

  @Override
  Dialect expectedDialect() {
    return Dialect.MARIADB;
  }

  /** SKIP LOCKED at work, as on PostgreSQL. */
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

  /**
   * A relay that holds a batch it did not fill has read to the end of the table; under REPEATABLE
   * READ its locking read would lock the gap after the last row, where every new row goes, and
   * senders would wait for the relay's publish. They do not.
   */
  @Test
  void whileARelayPublishesABatchItDidNotFill_sendersDoNotWait() throws Exception {
    UUID held = inTransaction(() -> outbox.send(OutboxMessage.of(TOPIC, "a", new byte[] {1})));
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    MessagePublisher holding =
        message -> {
          entered.countDown();
          assertThat(release.await(60, TimeUnit.SECONDS)).isTrue();
          publisher.publish(message);
        };
    OutboxRelay relay = relayBuilder(holding).batchSize(10).build();
    relays.add(relay);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<OutboxRelay.Batch> batch = threads.submit(relay::runOnce);
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

      Future<UUID> sent =
          threads.submit(
              () -> inTransaction(() -> outbox.send(OutboxMessage.of(TOPIC, "b", new byte[] {2}))));
      // The relay still holds its batch; a sender that waited for it would not be done.
      UUID other = sent.get(30, TimeUnit.SECONDS);
      assertThat(entered.getCount()).isEqualTo(0);
      assertThat(batch.isDone()).isFalse();

      release.countDown();
      assertThat(batch.get(30, TimeUnit.SECONDS).published()).isEqualTo(1);
      assertThat(relay.runOnce().published()).isEqualTo(1);
      assertThat(publisher.publishedIds()).containsExactly(held, other).inOrder();
    } finally {
      release.countDown();
      threads.shutdownNow();
    }
  }
}
