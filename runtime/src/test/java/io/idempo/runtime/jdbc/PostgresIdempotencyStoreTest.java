package io.idempo.runtime.jdbc;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.IdempotentHandler.Mode;
import io.idempo.runtime.Claim;
import io.idempo.runtime.DuplicateInProgressException;
import io.idempo.runtime.HandlerDescriptor;
import io.idempo.runtime.IdempotencyStoreException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The contract on a real PostgreSQL, one schema per test, one server per JVM. */
class PostgresIdempotencyStoreTest extends JdbcStoreContract {

  @Override
  protected DataSource freshDatabase() {
    return SharedPostgres.freshSchema();
  }

  @Override
  protected void closeDatabase(DataSource dataSource) {
    SharedPostgres.close(dataSource);
  }

  @Override
  protected Dialect expectedDialect() {
    return Dialect.POSTGRESQL;
  }

  @Override
  protected void breakConnection(Connection claimConnection) throws SQLException {
    int pid;
    try (Statement s = claimConnection.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      pid = rs.getInt(1);
    }
    try (Connection admin = SharedPostgres.admin().getConnection();
        PreparedStatement kill = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
      kill.setInt(1, pid);
      try (ResultSet rs = kill.executeQuery()) {
        rs.next();
        assertThat(rs.getBoolean(1)).isTrue();
      }
    }
  }

  /**
   * The claim statement's read of the duplicates' records looks each key up by the primary key. On
   * a table without statistics (new, or truncated), a join of the table to the array of keys was
   * planned as a scan of every row of the handler, once per batch: a cost that grew with the table
   * until the first ANALYZE. Counted from PostgreSQL's statistics: the rows and index entries the
   * table's scans read for one batch of 100 with 20 duplicates, on a table of 3,000 rows that
   * autovacuum may not analyze.
   */
  @Test
  void aBatchReadsItsDuplicatesByKeyOnATableWithoutStatistics() throws Exception {
    // 20 conflict checks and 20 lookups, give or take; a scan of the handler's rows reads 3,000.
    assertThat(rowsReadByABatchWithDuplicates(Mode.TRANSACTIONAL)).isAtMost(300);
  }

  /** The same in lease mode, whose completion finds the batch's rows again by key. */
  @Test
  void aLeaseBatchFindsItsRowsByKeyOnATableWithoutStatistics() throws Exception {
    assertThat(rowsReadByABatchWithDuplicates(Mode.LEASE)).isAtMost(400);
  }

  /**
   * The rows and index entries the claims table's scans read to claim and complete one batch of
   * 100 keys, 20 of them claimed before, on a table of 3,000 rows without statistics.
   */
  private long rowsReadByABatchWithDuplicates(Mode mode) throws Exception {
    String schema;
    try (Connection c = database.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_schema()")) {
      rs.next();
      schema = rs.getString(1);
    }
    HandlerDescriptor handler = handler("batch", mode);
    JdbcIdempotencyStore store = storeBuilder(database).build();
    store.createTableIfMissing();
    execute("ALTER TABLE idempo_claims SET (autovacuum_enabled = false)");
    for (int batch = 0; batch < 30; batch++) {
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        keys.add(String.format("k%05d", batch * 100 + i));
      }
      store.claimBatch(handler, keys).complete();
    }
    long before = rowsReadOnceFlushed(schema, 3000);

    DataSource reopened = SharedPostgres.schema(schema);
    try {
      JdbcIdempotencyStore again = storeBuilder(reopened).build();
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        // 20 keys claimed before, spread over the table; 80 new ones.
        keys.add(i < 20 ? String.format("k%05d", i * 150) : String.format("n%05d", i));
      }
      var claim = again.claimBatch(handler, keys);
      assertThat(claim.acquiredCount()).isEqualTo(80);
      claim.complete();
    } finally {
      SharedPostgres.close(reopened);
    }
    return rowsReadOnceFlushed(schema, 3080) - before;
  }

  /**
   * The rows and index entries read by scans of the schema's claims table, once the statistics of
   * {@code inserted} inserts have reached the collector: closing {@link #database}'s connections
   * ends their server processes, which sends what they counted.
   */
  private long rowsReadOnceFlushed(String schema, long inserted) throws Exception {
    SharedPostgres.close(database);
    database = SharedPostgres.schema(schema);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try (Connection admin = SharedPostgres.admin().getConnection()) {
      while (true) {
        try (Statement s = admin.createStatement()) {
          s.execute("SELECT pg_stat_clear_snapshot()");
          try (ResultSet rs =
              s.executeQuery(
                  "SELECT t.n_tup_ins, coalesce(t.seq_tup_read, 0)"
                      + " + coalesce((SELECT sum(i.idx_tup_read) FROM pg_stat_user_indexes i"
                      + " WHERE i.relid = t.relid), 0)"
                      + " FROM pg_stat_user_tables t"
                      + " WHERE t.schemaname = '"
                      + schema
                      + "' AND t.relname = 'idempo_claims'")) {
            if (rs.next() && rs.getLong(1) >= inserted) {
              return rs.getLong(2);
            }
          }
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("statistics of " + inserted + " inserts never arrived");
        }
        Thread.sleep(50);
      }
    }
  }

  @Test
  void aSchemaQualifiedTableNameIsUsed() throws Exception {
    String schema = "dedup_" + UUID.randomUUID().toString().replace("-", "");
    execute("CREATE SCHEMA " + schema);
    String table = schema + ".claims";
    JdbcIdempotencyStore store = storeBuilder(database).tableName(table).build();
    store.createTableIfMissing();
    store.createTableIfMissing();
    HandlerDescriptor handler = handler("h", Mode.TRANSACTIONAL);
    store.claim(handler, "k").complete(null);
    assertThat(store.claim(handler, "k").isDuplicate()).isTrue();
    assertThat(count("SELECT COUNT(*) FROM " + table)).isEqualTo(1);
    assertThat(count("SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'claims_expires_at_idx'"))
        .isAtLeast(1);
  }

  @Test
  void aHandlerThatSwallowsADatabaseErrorCannotCommit() throws Exception {
    // PostgreSQL aborts the transaction at the first failed statement; catching the SQLException in
    // the handler does not make the claim's commit succeed, so nothing is recorded.
    JdbcIdempotencyStore store = jdbcStore();
    HandlerDescriptor handler = handler("sloppy", Mode.TRANSACTIONAL);
    Claim claim = store.claim(handler, "k");
    insertWork(store.dataSource(), "before the error");
    assertThrows(SQLException.class, () -> insertWork(store.dataSource(), "before the error"));
    IdempotencyStoreException e =
        assertThrows(IdempotencyStoreException.class, () -> claim.complete(null));
    assertThat(e).hasMessageThat().contains(handler.name());
    assertThat(count("SELECT COUNT(*) FROM work")).isEqualTo(0);
    assertThat(store.claim(handler, "k").isDuplicate()).isFalse();
  }

  @Test
  void anAbortedTransactionIsDetectedBehindAWrapperThatHidesTheDriver() throws Exception {
    // Without access to the driver's transaction state, the store falls back to a statement before
    // the commit, which fails in an aborted transaction.
    JdbcIdempotencyStore store = storeBuilder(hidingDriver(database)).build();
    store.createTableIfMissing();
    HandlerDescriptor handler = handler("sloppy-behind-wrapper", Mode.TRANSACTIONAL);
    Claim claim = store.claim(handler, "k");
    insertWork(store.dataSource(), "before the error");
    assertThrows(SQLException.class, () -> insertWork(store.dataSource(), "before the error"));
    IdempotencyStoreException e =
        assertThrows(IdempotencyStoreException.class, () -> claim.complete(null));
    assertThat(e).hasMessageThat().contains(handler.name());
    assertThat(count("SELECT COUNT(*) FROM work")).isEqualTo(0);

    Claim retry = store.claim(handler, "k");
    assertThat(retry.isDuplicate()).isFalse();
    retry.complete(null);
    assertThat(store.claim(handler, "k").isDuplicate()).isTrue();
  }

  @Test
  void theHandlerWaitsForLocksAsTheConnectionWasSetUpTo() throws Exception {
    // A pool's connection-init SQL, run on every connection the store takes.
    DataSource initialized = runningOnEachConnection(database, "SET lock_timeout = '7s'");
    JdbcIdempotencyStore store =
        storeBuilder(initialized).lockTimeout(Duration.ofMillis(1500)).build();
    store.createTableIfMissing();
    HandlerDescriptor outer = handler("outer", Mode.TRANSACTIONAL);
    HandlerDescriptor inner = handler("inner", Mode.TRANSACTIONAL);
    List<String> seen = new ArrayList<>();
    Callable<String> body =
        () -> {
          seen.add(lockTimeout(store.dataSource()));
          deliver(
              store,
              inner,
              "i",
              () -> {
                seen.add(lockTimeout(store.dataSource()));
                return "inner";
              });
          seen.add(lockTimeout(store.dataSource()));
          return "outer";
        };
    deliver(store, outer, "o", body);
    clock.advance(Duration.ofHours(2));
    deliver(store, outer, "o", body); // both taken over: their records expired
    assertThat(listener.events).containsAtLeast("expired:o", "expired:i");
    assertThat(seen).containsExactly("7s", "7s", "7s", "7s", "7s", "7s");
  }

  @Test
  void aClaimLeavesNoLockTimeoutOnThePooledConnection() throws Exception {
    JdbcIdempotencyStore store = storeBuilder(database).lockTimeout(Duration.ofMillis(1500)).build();
    store.createTableIfMissing();
    HandlerDescriptor transactional = handler("tx", Mode.TRANSACTIONAL);
    HandlerDescriptor lease = handler("lease", Mode.LEASE);
    List<String> seen = new ArrayList<>();
    for (HandlerDescriptor handler : List.of(transactional, lease)) {
      deliver(
          store,
          handler,
          "k",
          () -> {
            seen.add(lockTimeout(store.dataSource()));
            return "done";
          });
      deliver(store, handler, "k", () -> "not run"); // a duplicate
      seen.add(lockTimeout(database));
    }
    assertThat(seen).containsExactly("0", "0", "0", "0");
  }

  @Test
  void aStatementTimeoutOnTheClaimIsAFailureNotAKeyInFlight() throws Exception {
    // A claim waiting for a row lock that the connection's statement_timeout cancels (57014) has
    // not met the store's lock timeout (55P03): it fails, it is not a delivery in flight.
    JdbcIdempotencyStore store = storeBuilder(database).build();
    store.createTableIfMissing();
    HandlerDescriptor handler = handler("statement-timeout", Mode.TRANSACTIONAL);
    JdbcIdempotencyStore impatient =
        storeBuilder(runningOnEachConnection(database, "SET statement_timeout = 200")).build();
    Claim first = store.claim(handler, "k");
    try {
      IdempotencyStoreException e =
          inAnotherThread(
              () -> assertThrows(IdempotencyStoreException.class, () -> impatient.claim(handler, "k")));
      assertThat(e).isNotInstanceOf(DuplicateInProgressException.class);
      assertThat(e).hasMessageThat().contains("statement timeout");
      assertThat(e).hasMessageThat().contains("Nothing was recorded");
    } finally {
      first.complete(null);
    }
  }

  private static String lockTimeout(DataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement show = connection.createStatement();
        ResultSet value = show.executeQuery("SHOW lock_timeout")) {
      value.next();
      return value.getString(1);
    }
  }

  /** A DataSource that runs {@code sql} on each connection it hands out. */
  private static DataSource runningOnEachConnection(DataSource dataSource, String sql) {
    return mappingConnections(
        dataSource,
        connection -> {
          try (Statement init = connection.createStatement()) {
            init.execute(sql);
          }
          return connection;
        });
  }

  @Test
  void aDuplicateCostsTheClaimStatementAndOneReadAndReplaysTheResult() throws Exception {
    AtomicInteger prepared = new AtomicInteger();
    JdbcIdempotencyStore store =
        storeBuilder(mappingConnections(database, c -> countingPrepares(c, prepared))).build();
    store.createTableIfMissing();
    HandlerDescriptor handler = handler("h", Mode.TRANSACTIONAL);
    prepared.set(0);
    store.claim(handler, "k").complete(new byte[] {7});
    assertThat(prepared.get()).isEqualTo(2); // the claim, then the result into its row

    prepared.set(0);
    Claim duplicate = store.claim(handler, "k");

    assertThat(duplicate.isDuplicate()).isTrue();
    assertThat(duplicate.replayedResult()).isEqualTo(new byte[] {7});
    assertThat(prepared.get()).isEqualTo(2); // the claim, which inserts nothing, then the read
  }

  /** {@code connection}, counting the statements prepared on it in {@code prepared}. */
  private static Connection countingPrepares(Connection connection, AtomicInteger prepared) {
    return proxy(
        Connection.class,
        (proxy, method, args) -> {
          if (method.getName().equals("prepareStatement")) {
            prepared.incrementAndGet();
          }
          return invoke(method, connection, args);
        });
  }

  /** A DataSource whose connections do not unwrap to the PostgreSQL driver, as some wrappers do. */
  private static DataSource hidingDriver(DataSource dataSource) {
    return mappingConnections(dataSource, PostgresIdempotencyStoreTest::hideDriver);
  }

  /** What a wrapping DataSource does to each connection before handing it out. */
  private interface ConnectionMapper {
    Connection map(Connection connection) throws SQLException;
  }

  /** {@code dataSource}, with {@code mapper} applied to each connection it hands out. */
  private static DataSource mappingConnections(DataSource dataSource, ConnectionMapper mapper) {
    return proxy(
        DataSource.class,
        (proxy, method, args) -> {
          Object result = invoke(method, dataSource, args);
          return result instanceof Connection connection ? mapper.map(connection) : result;
        });
  }

  private static Connection hideDriver(Connection connection) {
    return proxy(
        Connection.class,
        (proxy, method, args) -> {
          if (method.getName().equals("isWrapperFor")) {
            return false;
          }
          if (method.getName().equals("unwrap")) {
            throw new SQLException("not a wrapper");
          }
          return invoke(method, connection, args);
        });
  }

  /** An implementation of {@code type} whose calls go to {@code handler}. */
  private static <T> T proxy(Class<T> type, InvocationHandler handler) {
    return type.cast(
        Proxy.newProxyInstance(
            PostgresIdempotencyStoreTest.class.getClassLoader(), new Class<?>[] {type}, handler));
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Test
  void aClosedPoolIsAClearErrorAndRecordsNothing() throws Exception {
    DataSource pool = SharedPostgres.freshSchema();
    JdbcIdempotencyStore store = storeBuilder(pool).build();
    store.createTableIfMissing();
    HandlerDescriptor handler = handler("h", Mode.TRANSACTIONAL);
    store.claim(handler, "done").complete(utf8("recorded"));
    SharedPostgres.close(pool);

    IdempotencyStoreException e =
        assertThrows(IdempotencyStoreException.class, () -> store.claim(handler, "k"));
    assertThat(e).hasMessageThat().contains(handler.name());
    assertThat(e).hasMessageThat().contains("Nothing was recorded");

    DataSource reopenedPool = SharedPostgres.schema(SharedPostgres.schemaOf(pool));
    JdbcIdempotencyStore reopened = storeBuilder(reopenedPool).build();
    assertThat(STRING.decode(reopened.claim(handler, "done").replayedResult())).isEqualTo("recorded");
    Claim retry = reopened.claim(handler, "k");
    assertThat(retry.isDuplicate()).isFalse();
    retry.complete(null);
    SharedPostgres.close(reopenedPool);
  }
}
