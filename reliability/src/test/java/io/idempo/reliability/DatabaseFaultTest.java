package io.idempo.reliability;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import io.idempo.reliability.ledger.Fault;
import io.idempo.reliability.ledger.LedgerEvent;
import io.idempo.runtime.IdempotencyStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Database faults while consumers run: a backend terminated in the middle of the handler's
 * transaction, statement timeouts (propagated and swallowed by the handler), and the whole server
 * stopped and started again on the same data.
 */
class DatabaseFaultTest {

  private static final int THREADS = 4;

  @Test
  void terminatedBackendInTransactionalModeIsNotRecordedAndIsRedelivered() throws Exception {
    terminatedBackend(Consumer.Mode.TRANSACTIONAL, "ledger-transactional");
  }

  @Test
  void terminatedBackendInLeaseModeIsNotRecordedAndIsRedelivered() throws Exception {
    terminatedBackend(Consumer.Mode.LEASE, "ledger-lease");
  }

  private void terminatedBackend(Consumer.Mode mode, String handlerName) throws Exception {
    String schema = Postgres.freshSchema("fault_terminate");
    try (SimplePool db = new SimplePool(Postgres.url(schema))) {
      Stream stream = Stream.publish(db, 400, 0, Sizes.SEED);
      Consumer.createClaimsTable(db);
      Set<String> targets = targets(Sizes.FAULTS_PER_KIND);
      Set<String> injected = ConcurrentHashMap.newKeySet();
      Fault terminate =
          (event, connection) -> {
            if (targets.contains(event.eventId()) && injected.add(event.eventId())) {
              int pid;
              try (Statement s = connection.createStatement();
                  ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
                r.next();
                pid = r.getInt(1);
              }
              try (Connection admin = Postgres.admin().getConnection();
                  PreparedStatement kill = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
                kill.setInt(1, pid);
                kill.executeQuery().close();
              }
            }
          };
      List<String> notRecorded = new CopyOnWriteArrayList<>();
      Consumer consumer = new Consumer(db, mode, "faults", terminate, 0);
      consumer.onFailure(
          (event, failure) -> {
            if (injected.contains(event.eventId())
                && absentFromClaimsAndEffects(db, handlerName, event)) {
              notRecorded.add(event.eventId());
            }
          });
      consumer.run(THREADS);

      assertThat(injected).isEqualTo(targets);
      assertWithMessage("faulted deliveries found neither a claim record nor an effect right after failing")
          .that(notRecorded)
          .containsAtLeastElementsIn(targets);
      for (Throwable failure : consumer.stats.failures) {
        assertClean(failure, handlerName);
      }
      Ledger.assertExactlyOnce(db, stream, handlerName);
      Ledger.figures(
          "faults terminate-backend "
              + mode
              + ": deliveries="
              + stream.deliveries
              + " faultsInjected="
              + injected.size()
              + " failedDeliveries="
              + consumer.stats.failed
              + " doubleEffects=0 lost=0");
    }
  }

  @Test
  void statementTimeoutsPropagatedOrSwallowedAreNotRecordedAndAreRedelivered() throws Exception {
    String schema = Postgres.freshSchema("fault_timeout");
    try (SimplePool db = new SimplePool(Postgres.url(schema))) {
      Stream stream = Stream.publish(db, 400, 0, Sizes.SEED + 1);
      Consumer.createClaimsTable(db);
      Set<String> targets = targets(2 * Sizes.FAULTS_PER_KIND);
      Set<String> injected = ConcurrentHashMap.newKeySet();
      Fault timeout =
          (event, connection) -> {
            if (targets.contains(event.eventId()) && injected.add(event.eventId())) {
              try (Statement s = connection.createStatement()) {
                s.execute("SET LOCAL statement_timeout = '50ms'");
                try {
                  s.executeQuery("SELECT pg_sleep(2)").close();
                } catch (SQLException e) {
                  if (!"57014".equals(e.getSQLState())) {
                    throw e;
                  }
                  // Half the handlers let the timeout propagate; the other half swallow it and
                  // return, which PostgreSQL answers by refusing to commit the aborted transaction.
                  if (Integer.parseInt(event.eventId().substring(2)) % 2 == 0) {
                    throw e;
                  }
                }
              }
            }
          };
      List<String> notRecorded = new CopyOnWriteArrayList<>();
      Consumer consumer = new Consumer(db, Consumer.Mode.TRANSACTIONAL, "faults", timeout, 0);
      consumer.onFailure(
          (event, failure) -> {
            if (injected.contains(event.eventId())
                && absentFromClaimsAndEffects(db, "ledger-transactional", event)) {
              notRecorded.add(event.eventId());
            }
          });
      consumer.run(THREADS);

      assertThat(injected).isEqualTo(targets);
      assertWithMessage("timed-out deliveries found neither a claim record nor an effect after failing")
          .that(notRecorded)
          .containsAtLeastElementsIn(targets);
      for (Throwable failure : consumer.stats.failures) {
        assertClean(failure, "ledger-transactional");
      }
      long swallowed =
          consumer.stats.failures.stream().filter(f -> f instanceof IdempotencyStoreException).count();
      assertWithMessage("swallowed timeouts caught at completion").that(swallowed).isEqualTo(targets.size() / 2);
      Ledger.assertExactlyOnce(db, stream, "ledger-transactional");
      Ledger.figures(
          "faults statement-timeout: deliveries="
              + stream.deliveries
              + " faultsInjected="
              + injected.size()
              + " (swallowed by the handler: "
              + swallowed
              + ") doubleEffects=0 lost=0");
    }
  }

  @Test
  void consumersFailCleanlyWhileTheServerIsDownAndRecoverAfterItRestarts() throws Exception {
    String schema = Postgres.freshSchema("fault_restart");
    String url = Postgres.url(schema);
    Stream stream;
    try (SimplePool setup = new SimplePool(url)) {
      stream = Stream.publish(setup, 1_500, 0.3, Sizes.SEED + 2);
      Consumer.createClaimsTable(setup);
    }
    int restarts = Sizes.FULL ? 5 : 1;
    long failuresWhileDown = 0;
    try (SimplePool pool = new SimplePool(url)) {
      Consumer consumer = new Consumer(pool, Consumer.Mode.TRANSACTIONAL, "restart", Fault.NONE, 1_000_000);
      AtomicReference<Throwable> crashed = new AtomicReference<>();
      Thread running =
          new Thread(
              () -> {
                try {
                  consumer.run(THREADS);
                } catch (Throwable t) {
                  crashed.set(t);
                }
              },
              "consumer-under-restart");
      running.start();
      for (int i = 0; i < restarts; i++) {
        long target = (long) stream.deliveries * (i + 1) / (restarts + 2);
        while (consumer.stats.acked.get() < target) {
          Thread.sleep(10);
        }
        long before = consumer.stats.failed.get();
        Postgres.kill();
        Thread.sleep(2_000);
        failuresWhileDown += consumer.stats.failed.get() - before;
        assertWithMessage("consumer threads are alive and retrying while the server is down")
            .that(running.isAlive())
            .isTrue();
        Postgres.restart();
      }
      running.join(300_000);
      assertWithMessage("consumers finish after the restart (no hang)").that(running.isAlive()).isFalse();
      assertThat(crashed.get()).isNull();
      assertWithMessage("failures while the server was down").that(failuresWhileDown).isGreaterThan(0L);
      for (Throwable failure : consumer.stats.failures) {
        assertClean(failure, "ledger-transactional");
      }
      try (SimplePool db = new SimplePool(url)) {
        Ledger.assertExactlyOnce(db, stream, "ledger-transactional");
      }
      Ledger.figures(
          "faults server-restart: deliveries="
              + stream.deliveries
              + " duplicates="
              + stream.duplicates()
              + " serverRestarts="
              + restarts
              + " failedDeliveriesOrPolls="
              + consumer.stats.failed
              + " doubleEffects=0 lost=0");
    }
  }

  /** A failure is clean: a database or store exception with a message that says what failed. */
  private static void assertClean(Throwable failure, String handlerName) {
    assertWithMessage("failure type of %s", failure)
        .that(failure instanceof SQLException || failure instanceof IdempotencyStoreException)
        .isTrue();
    assertWithMessage("failure message").that(failure.getMessage()).isNotEmpty();
    if (failure instanceof IdempotencyStoreException) {
      assertWithMessage("a store failure names the handler").that(failure.getMessage()).contains(handlerName);
    }
  }

  private static Set<String> targets(int count) {
    Set<String> targets = ConcurrentHashMap.newKeySet();
    for (int i = 0; i < count; i++) {
      targets.add("e-" + (i * 37 % 400));
    }
    return targets;
  }

  private static boolean absentFromClaimsAndEffects(DataSource db, String handlerName, LedgerEvent event) {
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT (SELECT count(*) FROM idempo_claims WHERE handler_name = ? AND idempotency_key = ?)"
                    + " + (SELECT count(*) FROM applied WHERE event_id = ?)")) {
      s.setString(1, handlerName);
      s.setString(2, event.eventId());
      s.setString(3, event.eventId());
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1) == 0;
      }
    } catch (SQLException e) {
      return false;
    }
  }
}
