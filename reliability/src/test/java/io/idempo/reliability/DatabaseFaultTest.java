package io.idempo.reliability;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.idempo.reliability.ledger.Fault;
import io.idempo.reliability.ledger.LedgerEvent;
import io.idempo.runtime.IdempotencyStoreException;
import io.idempo.runtime.jdbc.SharedMariaDb;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Database faults while consumers run: a backend terminated in the middle of the handler's
 * transaction, statement timeouts (propagated and swallowed by the handler), and the whole server
 * killed and started again on the same data, on PostgreSQL and on MariaDB.
 */
class DatabaseFaultTest {

  private static final int THREADS = 4;

  @ParameterizedTest
  @ValueSource(strings = {Databases.POSTGRES, Databases.MARIADB})
  void terminatedBackendInTransactionalModeIsNotRecordedAndIsRedelivered(String database)
      throws Exception {
    terminatedBackend(database, Consumer.Mode.TRANSACTIONAL, "ledger-transactional");
  }

  @ParameterizedTest
  @ValueSource(strings = {Databases.POSTGRES, Databases.MARIADB})
  void terminatedBackendInLeaseModeIsNotRecordedAndIsRedelivered(String database)
      throws Exception {
    terminatedBackend(database, Consumer.Mode.LEASE, "ledger-lease");
  }

  private void terminatedBackend(String database, Consumer.Mode mode, String handlerName)
      throws Exception {
    String schema = Databases.fresh(database, "fault_terminate");
    try (SimplePool db = new SimplePool(Databases.url(database, schema))) {
      Stream stream = Stream.publish(db, 400, 0, Sizes.SEED);
      Consumer.createClaimsTable(db);
      Set<String> targets = targets(Sizes.FAULTS_PER_KIND);
      Set<String> injected = ConcurrentHashMap.newKeySet();
      Fault terminate =
          (event, connection) -> {
            if (targets.contains(event.eventId()) && injected.add(event.eventId())) {
              terminate(database, connection);
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
              + " on "
              + database
              + ": deliveries="
              + stream.deliveries
              + " faultsInjected="
              + injected.size()
              + " failedDeliveries="
              + consumer.stats.failed
              + " doubleEffects=0 lost=0");
    }
  }

  /**
   * A statement of the handler times out; half the handlers let the timeout propagate, the other
   * half swallow it and return. On PostgreSQL the timeout aborts the transaction, which then
   * refuses to commit: the store reports it at completion and nothing is recorded. On MariaDB a
   * timeout ends only its statement: a handler that swallows it returns normally, and its effect
   * and claim commit together once.
   */
  @ParameterizedTest
  @ValueSource(strings = {Databases.POSTGRES, Databases.MARIADB})
  void statementTimeoutsPropagatedOrSwallowedAreNotRecordedTwice(String database)
      throws Exception {
    String schema = Databases.fresh(database, "fault_timeout");
    try (SimplePool db = new SimplePool(Databases.url(database, schema))) {
      Stream stream = Stream.publish(db, 400, 0, Sizes.SEED + 1);
      Consumer.createClaimsTable(db);
      Set<String> targets = targets(2 * Sizes.FAULTS_PER_KIND);
      Set<String> injected = ConcurrentHashMap.newKeySet();
      Set<String> propagated = ConcurrentHashMap.newKeySet();
      Fault timeout =
          (event, connection) -> {
            if (targets.contains(event.eventId()) && injected.add(event.eventId())) {
              try {
                sleepPastATimeout(database, connection);
                throw new AssertionError("the statement was not timed out");
              } catch (SQLException e) {
                if (!isStatementTimeout(database, e)) {
                  throw e;
                }
                if (Integer.parseInt(event.eventId().substring(2)) % 2 == 0) {
                  propagated.add(event.eventId());
                  throw e;
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
      assertThat(propagated).hasSize(targets.size() / 2);
      boolean abortsTransaction = Databases.POSTGRES.equals(database);
      Set<String> failing = abortsTransaction ? targets : propagated;
      assertWithMessage("timed-out deliveries found neither a claim record nor an effect after failing")
          .that(notRecorded)
          .containsAtLeastElementsIn(failing);
      for (Throwable failure : consumer.stats.failures) {
        assertClean(failure, "ledger-transactional");
      }
      long swallowed =
          consumer.stats.failures.stream().filter(f -> f instanceof IdempotencyStoreException).count();
      assertWithMessage("swallowed timeouts caught at completion")
          .that(swallowed)
          .isEqualTo(abortsTransaction ? targets.size() / 2 : 0);
      Ledger.assertExactlyOnce(db, stream, "ledger-transactional");
      Ledger.figures(
          "faults statement-timeout on "
              + database
              + ": deliveries="
              + stream.deliveries
              + " faultsInjected="
              + injected.size()
              + " (swallowed by the handler: "
              + (injected.size() - propagated.size())
              + ", caught at completion: "
              + swallowed
              + ") doubleEffects=0 lost=0");
    }
  }

  /** Ends the server's session of {@code connection} from another connection. */
  private static void terminate(String database, Connection connection) throws SQLException {
    if (Databases.MARIADB.equals(database)) {
      long id;
      try (Statement s = connection.createStatement();
          ResultSet r = s.executeQuery("SELECT CONNECTION_ID()")) {
        r.next();
        id = r.getLong(1);
      }
      // KILL takes no parameter; the id is a number the server just returned.
      SharedMariaDb.execute("KILL CONNECTION " + id);
      return;
    }
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

  /** Runs a two-second sleep under a 50 ms statement timeout, in the handler's transaction. */
  private static void sleepPastATimeout(String database, Connection connection) throws SQLException {
    try (Statement s = connection.createStatement()) {
      if (Databases.MARIADB.equals(database)) {
        s.executeQuery("SET STATEMENT max_statement_time = 0.05 FOR SELECT SLEEP(2)").close();
      } else {
        s.execute("SET LOCAL statement_timeout = '50ms'");
        s.executeQuery("SELECT pg_sleep(2)").close();
      }
    }
  }

  private static boolean isStatementTimeout(String database, SQLException e) {
    return Databases.MARIADB.equals(database)
        ? e.getErrorCode() == 1969 // ER_STATEMENT_TIMEOUT
        : "57014".equals(e.getSQLState());
  }

  @ParameterizedTest
  @ValueSource(strings = {Databases.POSTGRES, Databases.MARIADB})
  void consumersFailCleanlyWhileTheServerIsDownAndRecoverAfterItRestarts(String database)
      throws Exception {
    boolean mariaDb = Databases.MARIADB.equals(database);
    assumeTrue(!mariaDb || SharedMariaDb.canRestart(), "the tests did not start this MariaDB server");
    String schema = Databases.fresh(database, "fault_restart");
    String url = Databases.url(database, schema);
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
        if (mariaDb) {
          SharedMariaDb.kill();
        } else {
          Postgres.kill();
        }
        Thread.sleep(2_000);
        failuresWhileDown += consumer.stats.failed.get() - before;
        assertWithMessage("consumer threads are alive and retrying while the server is down")
            .that(running.isAlive())
            .isTrue();
        if (mariaDb) {
          SharedMariaDb.restart();
        } else {
          Postgres.restart();
        }
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
          "faults server-restart on "
              + database
              + ": deliveries="
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
