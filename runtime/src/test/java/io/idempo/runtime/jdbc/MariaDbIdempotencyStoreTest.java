package io.idempo.runtime.jdbc;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.IdempotentHandler.Mode;
import io.idempo.runtime.BatchClaim;
import io.idempo.runtime.Claim;
import io.idempo.runtime.HandlerDescriptor;
import io.idempo.runtime.IdempotencyStoreException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The contract on a real MariaDB (InnoDB, REPEATABLE READ) through MariaDB's driver, one database
 * per test, one server per JVM; plus what is particular to MySQL and MariaDB: deadlocks among
 * duplicates, the lock wait timeout left as the connection had it, and a transaction that a
 * deadlock ended under the handler.
 */
class MariaDbIdempotencyStoreTest extends JdbcStoreContract {

  @Override
  protected DataSource freshDatabase() {
    return SharedMariaDb.freshDatabase();
  }

  @Override
  protected Dialect expectedDialect() {
    return Dialect.MARIADB;
  }

  @Override
  protected String timestampLiteral(String utc) {
    return "TIMESTAMP '" + utc + "'";
  }

  @Override
  protected Instant timestampAt(ResultSet row, int column) throws SQLException {
    return row.getObject(column, LocalDateTime.class).toInstant(ZoneOffset.UTC);
  }

  @Override
  protected void breakConnection(Connection claimConnection) throws SQLException {
    long id;
    try (Statement s = claimConnection.createStatement();
        ResultSet rs = s.executeQuery("SELECT CONNECTION_ID()")) {
      rs.next();
      id = rs.getLong(1);
    }
    try (Connection admin = database.getConnection();
        Statement kill = admin.createStatement()) {
      kill.execute("KILL CONNECTION " + id);
    }
  }

  @Test
  void eachDriversProductNameHasItsDialect() {
    // MariaDB's driver names MariaDB servers so; MySQL's driver names every server MySQL.
    assertThat(Dialect.forProductName("MariaDB")).isSameInstanceAs(Dialect.MARIADB);
    assertThat(Dialect.forProductName("MySQL")).isSameInstanceAs(Dialect.MYSQL);
    assertThat(Dialect.MARIADB.ddlResource()).isEqualTo(Dialect.MYSQL.ddlResource());
  }

  @Test
  void aSchemaQualifiedTableNameIsUsed() throws Exception {
    String schema = "dedup_" + UUID.randomUUID().toString().replace("-", "");
    execute("CREATE DATABASE " + schema);
    String table = schema + ".claims";
    JdbcIdempotencyStore store = storeBuilder(database).tableName(table).build();
    store.createTableIfMissing();
    store.createTableIfMissing();
    HandlerDescriptor handler = handler("h", Mode.TRANSACTIONAL);
    store.claim(handler, "k").complete(null);
    assertThat(store.claim(handler, "k").isDuplicate()).isTrue();
    assertThat(count("SELECT COUNT(*) FROM " + table)).isEqualTo(1);
    assertThat(
            count(
                "SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = '"
                    + schema
                    + "' AND TABLE_NAME = 'claims' AND INDEX_NAME = 'claims_expires_at_idx'"))
        .isEqualTo(1);
    execute("DROP DATABASE " + schema);
  }

  /**
   * The store bounds its own statements' lock waits (to whole seconds, rounded up), and the
   * handler's statements, and the pooled connection after the claim, wait as the connection was set
   * up to.
   */
  @Test
  void aClaimLeavesTheConnectionsLockWaitTimeoutAsItWas() throws Exception {
    DataSource initialized =
        runningOnEachConnection(database, "SET SESSION innodb_lock_wait_timeout = 7");
    JdbcIdempotencyStore store =
        storeBuilder(initialized).lockTimeout(Duration.ofMillis(1500)).build();
    store.createTableIfMissing();
    List<Long> seen = new ArrayList<>();
    for (Mode mode : Mode.values()) {
      HandlerDescriptor handler = handler("h-" + mode, mode);
      HandlerDescriptor inner = handler("inner-" + mode, Mode.TRANSACTIONAL);
      deliver(
          store,
          handler,
          "k",
          () -> {
            seen.add(lockWaitTimeout(store.dataSource()));
            deliver(store, inner, "i", () -> "inner");
            seen.add(lockWaitTimeout(store.dataSource()));
            return "done";
          });
      deliver(store, handler, "k", () -> "not run"); // a duplicate
    }
    assertThat(seen).containsExactly(7L, 7L, 7L, 7L);
    try (Connection c = initialized.getConnection()) {
      assertThat(lockWaitTimeout(() -> c)).isEqualTo(7L);
    }
  }

  private static long lockWaitTimeout(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return lockWaitTimeout(() -> c);
    }
  }

  private static long lockWaitTimeout(ConnectionSource source) throws SQLException {
    try (Statement s = source.get().createStatement();
        ResultSet rs = s.executeQuery("SELECT @@SESSION.innodb_lock_wait_timeout")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** A DataSource that runs {@code sql} on each connection it hands out, as a pool's init SQL. */
  private static DataSource runningOnEachConnection(DataSource dataSource, String sql) {
    return (DataSource)
        Proxy.newProxyInstance(
            MariaDbIdempotencyStoreTest.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              Object result;
              try {
                result = method.invoke(dataSource, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
              if (result instanceof Connection connection) {
                try (Statement init = connection.createStatement()) {
                  init.execute(sql);
                }
              }
              return result;
            });
  }

  /**
   * The deadlock of InnoDB's documentation: a first delivery holds the new row, several duplicates
   * wait for it, and it rolls back. Each waiter now holds a shared lock on the key and wants to
   * insert it, so InnoDB rolls all but one back with error 1213. Those claim again, wait for the
   * one that inserted, and replay its result: the handler runs once and no delivery fails.
   */
  @Test
  void duplicatesWaitingBehindAFirstDeliveryThatFailsDeadlockAndClaimAgain() throws Exception {
    // The waiters wait for the first delivery for as long as the test takes.
    JdbcIdempotencyStore store = storeBuilder(database).lockTimeout(Duration.ofMinutes(2)).build();
    store.createTableIfMissing();
    HandlerDescriptor handler = handler("raced", Mode.TRANSACTIONAL);
    int waiters = 4;
    long deadlocksBefore = deadlocks();
    Claim first = store.claim(handler, "k");
    AtomicInteger runs = new AtomicInteger();
    ExecutorService pool = threads(waiters);
    List<Future<String>> deliveries = new ArrayList<>();
    for (int i = 0; i < waiters; i++) {
      deliveries.add(
          pool.submit(
              () ->
                  deliver(
                      store,
                      handler,
                      "k",
                      () -> {
                        runs.incrementAndGet();
                        return "after the failure";
                      })));
    }
    awaitLockWaits(waiters);
    first.release(new IllegalStateException("the first delivery fails"));

    for (Future<String> delivery : deliveries) {
      assertThat(delivery.get(60, TimeUnit.SECONDS)).isEqualTo("after the failure");
    }
    assertThat(runs.get()).isEqualTo(1);
    assertThat(deadlocks()).isGreaterThan(deadlocksBefore);
  }

  /**
   * A batch claimed key by key in its own transaction loses a deadlock: another delivery holds
   * {@code b}, has written more than the batch, and then (nested in its transaction) claims {@code
   * a}, which the batch holds while it waits for {@code b}. InnoDB rolls the batch's transaction
   * back whole; the store claims the batch again, which waits for the other delivery and finds
   * both keys completed. Nothing fails and no key is acquired twice.
   */
  @Test
  void aBatchThatLosesADeadlockIsClaimedAgain() throws Exception {
    JdbcIdempotencyStore store = storeBuilder(database).lockTimeout(Duration.ofMinutes(2)).build();
    store.createTableIfMissing();
    HandlerDescriptor handler = handler("deadlocked-batch", Mode.TRANSACTIONAL);
    long deadlocksBefore = deadlocks();
    CountDownLatch otherHoldsB = new CountDownLatch(1);
    CountDownLatch batchWaitsForB = new CountDownLatch(1);
    ExecutorService pool = threads(2);
    Future<String> other =
        pool.submit(
            () ->
                deliver(
                    store,
                    handler,
                    "b",
                    () -> {
                      // Heavier than the batch's transaction, so InnoDB chooses the batch's.
                      for (int i = 0; i < 20; i++) {
                        insertWork(store.dataSource(), "other-" + i);
                      }
                      otherHoldsB.countDown();
                      assertThat(batchWaitsForB.await(30, TimeUnit.SECONDS)).isTrue();
                      return deliver(store, handler, "a", () -> "a") + "b";
                    }));
    assertThat(otherHoldsB.await(30, TimeUnit.SECONDS)).isTrue();
    Future<BatchClaim> batch = pool.submit(() -> store.claimBatch(handler, List.of("a", "b")));
    awaitLockWaits(1);
    batchWaitsForB.countDown();

    BatchClaim claimed = batch.get(60, TimeUnit.SECONDS);
    assertThat(other.get(60, TimeUnit.SECONDS)).isEqualTo("ab");
    assertThat(claimed.acquiredCount()).isEqualTo(0);
    claimed.complete();
    assertThat(deadlocks()).isGreaterThan(deadlocksBefore);
    assertThat(count("SELECT COUNT(*) FROM work WHERE id LIKE 'other-%'")).isEqualTo(20);
    assertThat(count("SELECT COUNT(*) FROM idempo_claims WHERE status = 'COMPLETED'")).isEqualTo(2);
  }

  /**
   * A deadlock in the handler's own statements rolls back its whole transaction, the claim row
   * with it, and the handler's later statements run in a new transaction. A handler that catches
   * the error must not be recorded as completed, nor its later work committed.
   */
  @Test
  void aHandlerThatSwallowsADeadlockCannotComplete() throws Exception {
    execute("INSERT INTO work (id, note) VALUES ('a', 'old'), ('b', 'old')");
    JdbcIdempotencyStore store = jdbcStore();
    HandlerDescriptor handler = handler("swallows", Mode.TRANSACTIONAL);
    Claim claim = store.claim(handler, "k");
    update(store.dataSource(), "a");

    try (Connection other = database.getConnection()) {
      other.setAutoCommit(false);
      // Heavier than the claim's transaction, so InnoDB chooses the claim's as the victim.
      for (int i = 0; i < 20; i++) {
        insertOn(() -> other, "other-" + i);
      }
      updateOn(() -> other, "b");
      Future<?> crosswise = threads(1).submit(() -> updateOn(() -> other, "a"));
      awaitLockWaits(1);
      SQLException deadlock =
          assertThrows(SQLException.class, () -> update(store.dataSource(), "b"));
      assertThat(Dialect.MARIADB.isDeadlock(deadlock)).isTrue();
      crosswise.get(30, TimeUnit.SECONDS);
      other.rollback();
    }
    insertWork(store.dataSource(), "after the deadlock");

    IdempotencyStoreException e =
        assertThrows(IdempotencyStoreException.class, () -> claim.complete(null));
    assertThat(e).hasMessageThat().contains(handler.name());
    assertThat(count("SELECT COUNT(*) FROM work WHERE id = 'after the deadlock'")).isEqualTo(0);
    assertThat(count("SELECT COUNT(*) FROM idempo_claims")).isEqualTo(0);
    Claim retry = store.claim(handler, "k");
    assertThat(retry.isDuplicate()).isFalse();
    retry.complete(null);
  }

  private static void update(DataSource dataSource, String id) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      updateOn(() -> c, id);
    }
  }

  private static Void updateOn(ConnectionSource source, String id) throws SQLException {
    Connection c = source.get();
    try (PreparedStatement update = c.prepareStatement("UPDATE work SET note = ? WHERE id = ?")) {
      update.setString(1, "new");
      update.setString(2, id);
      assertThat(update.executeUpdate()).isEqualTo(1);
    }
    return null;
  }

  private static void insertOn(ConnectionSource source, String id) throws SQLException {
    try (PreparedStatement insert =
        source.get().prepareStatement("INSERT INTO work (id, note) VALUES (?, ?)")) {
      insert.setString(1, id);
      insert.setString(2, "other");
      insert.executeUpdate();
    }
  }

  /** A connection that the caller does not close. */
  private interface ConnectionSource {
    Connection get() throws SQLException;
  }

  /**
   * Waits until {@code count} transactions on this test's database wait for a row lock (at most
   * 30 s, then fails). Transactions on the server's other databases (a connection an earlier test
   * left waiting) do not count.
   */
  private void awaitLockWaits(int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (count(
            "SELECT COUNT(*) FROM information_schema.INNODB_TRX t"
                + " JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id"
                + " WHERE t.trx_state = 'LOCK WAIT' AND p.DB = DATABASE()")
        < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "fewer than " + count + " transactions came to wait for a lock: " + transactions());
      }
      // InnoDB refreshes what INNODB_TRX shows only after 100 ms without a read of it.
      Thread.sleep(250);
    }
  }

  private String transactions() throws SQLException {
    StringBuilder all = new StringBuilder();
    try (Connection c = database.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT trx_id, trx_state, trx_query FROM information_schema.INNODB_TRX")) {
      while (rs.next()) {
        all.append('[')
            .append(rs.getString(1))
            .append(' ')
            .append(rs.getString(2))
            .append(' ')
            .append(rs.getString(3))
            .append(']');
      }
    }
    return all.toString();
  }

  private long deadlocks() throws SQLException {
    try (Connection c = database.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'")) {
      return rs.next() ? rs.getLong(2) : 0;
    }
  }
}
