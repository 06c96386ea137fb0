package io.idempo.runtime.jdbc;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.IdempotentHandler.Mode;
import io.idempo.runtime.Claim;
import io.idempo.runtime.DuplicateInProgressException;
import io.idempo.runtime.HandlerDescriptor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on H2, one in-memory database per test, plus H2's file mode. */
class H2IdempotencyStoreTest extends JdbcStoreContract {

  @TempDir Path directory;

  @Override
  protected DataSource freshDatabase() {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    return h2;
  }

  @Override
  protected Dialect expectedDialect() {
    return Dialect.H2;
  }

  @Override
  protected void breakConnection(Connection claimConnection) throws SQLException {
    claimConnection.unwrap(Connection.class).close();
  }

  @Test
  void aDuplicateWaitsForTheStoresLockTimeoutNotH2sDefault() throws Exception {
    // H2 runs setQueryTimeout as a session-wide SET, so the store sets the session's LOCK_TIMEOUT
    // instead. H2's own default is 2 s; a longer lock timeout must make the duplicate wait longer.
    JdbcIdempotencyStore store =
        storeBuilder(database).lockTimeout(Duration.ofSeconds(4)).build();
    store.createTableIfMissing();
    HandlerDescriptor handler = handler("lock-wait", Mode.TRANSACTIONAL);
    Claim first = store.claim(handler, "k");
    long waitedMillis =
        inAnotherThread(
            () -> {
              long start = System.nanoTime();
              assertThrows(DuplicateInProgressException.class, () -> store.claim(handler, "k"));
              return (System.nanoTime() - start) / 1_000_000;
            });
    assertThat(waitedMillis).isAtLeast(3500L); // a lower bound: a slow machine cannot break it
    first.complete(null);
  }

  @Test
  void aPooledConnectionKeepsItsOwnLockTimeoutThroughClaims() throws Exception {
    // One pooled connection, so every claim reuses it. The store bounds its claim statements with
    // its own lock timeout, then puts the session's back: before the handler runs, and before the
    // connection returns to the pool.
    JdbcConnectionPool pool =
        JdbcConnectionPool.create("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
    pool.setMaxConnections(1);
    try {
      try (Connection connection = pool.getConnection();
          Statement statement = connection.createStatement()) {
        statement.execute("SET LOCK_TIMEOUT 1234");
      }
      JdbcIdempotencyStore store =
          storeBuilder(pool).lockTimeout(Duration.ofSeconds(7)).build();
      store.createTableIfMissing();
      HandlerDescriptor transactional = handler("pooled-tx", Mode.TRANSACTIONAL);
      HandlerDescriptor lease = handler("pooled-lease", Mode.LEASE);

      Claim claim = store.claim(transactional, "k");
      assertThat(lockTimeout(store.dataSource())).isEqualTo(1234); // the handler's statements
      claim.complete(null);
      assertThat(lockTimeout(pool)).isEqualTo(1234);
      assertThat(store.claim(transactional, "k").isDuplicate()).isTrue();
      assertThat(lockTimeout(pool)).isEqualTo(1234);
      store.claim(lease, "k").complete(null);
      assertThat(lockTimeout(pool)).isEqualTo(1234);
      assertThat(store.claim(lease, "k").isDuplicate()).isTrue();
      assertThat(lockTimeout(pool)).isEqualTo(1234);
      Claim released = store.claim(transactional, "other");
      released.release(new IllegalStateException("handler failed"));
      assertThat(lockTimeout(pool)).isEqualTo(1234);
    } finally {
      pool.dispose();
    }
  }

  @Test
  void aDuplicateNeitherFailsAStatementNorRollsBack() throws Exception {
    // H2 clears the session's cache of compiled statements on every rollback, a failed statement's
    // included: a duplicate that rolled back made the claims after it compile their statements
    // again (docs/performance.md).
    List<String> calls = new CopyOnWriteArrayList<>();
    JdbcIdempotencyStore store = storeBuilder(watching(database, calls)).build();
    store.createTableIfMissing();
    HandlerDescriptor handler = handler("no-rollback", Mode.TRANSACTIONAL);
    store.claim(handler, "k").complete(new byte[] {7});
    calls.clear();

    Claim duplicate = store.claim(handler, "k");

    assertThat(duplicate.isDuplicate()).isTrue();
    assertThat(duplicate.replayedResult()).isEqualTo(new byte[] {7});
    assertThat(calls).containsExactly("statement", "statement", "commit");
  }

  @Test
  void aNestedDuplicateDoesNotRollBackToItsSavepoint() throws Exception {
    List<String> calls = new CopyOnWriteArrayList<>();
    JdbcIdempotencyStore store = storeBuilder(watching(database, calls)).build();
    store.createTableIfMissing();
    HandlerDescriptor inner = handler("inner", Mode.TRANSACTIONAL);
    store.claim(inner, "k").complete(new byte[] {7});
    Claim outer = store.claim(handler("outer", Mode.TRANSACTIONAL), "k");
    calls.clear();

    Claim duplicate = store.claim(inner, "k");

    assertThat(duplicate.isDuplicate()).isTrue();
    assertThat(duplicate.replayedResult()).isEqualTo(new byte[] {7});
    assertThat(calls).containsExactly("statement", "statement");
    outer.complete(null);
    assertThat(calls).containsExactly("statement", "statement", "commit");
  }

  /**
   * {@code dataSource}, recording in {@code calls} each statement run ({@code statement}, or
   * {@code failed statement}), commit and rollback on its connections.
   */
  private static DataSource watching(DataSource dataSource, List<String> calls) {
    return proxy(
        DataSource.class,
        (proxy, method, args) -> {
          Object result = invoke(method, dataSource, args);
          return result instanceof Connection connection ? watching(connection, calls) : result;
        });
  }

  private static Connection watching(Connection connection, List<String> calls) {
    return proxy(
        Connection.class,
        (proxy, method, args) -> {
          String name = method.getName();
          if (name.equals("commit") || name.equals("rollback")) {
            calls.add(name);
          }
          Object result = invoke(method, connection, args);
          return result instanceof PreparedStatement statement
              ? watching(statement, calls)
              : result;
        });
  }

  private static PreparedStatement watching(PreparedStatement statement, List<String> calls) {
    return proxy(
        PreparedStatement.class,
        (proxy, method, args) -> {
          if (!method.getName().startsWith("execute")) {
            return invoke(method, statement, args);
          }
          try {
            Object result = invoke(method, statement, args);
            calls.add("statement");
            return result;
          } catch (SQLException e) {
            calls.add("failed statement");
            throw e;
          }
        });
  }

  private static <T> T proxy(Class<T> type, InvocationHandler handler) {
    return type.cast(
        Proxy.newProxyInstance(
            H2IdempotencyStoreTest.class.getClassLoader(), new Class<?>[] {type}, handler));
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static int lockTimeout(DataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT LOCK_TIMEOUT()")) {
      row.next();
      return row.getInt(1);
    }
  }

  @Test
  void recordsInAFileDatabaseSurviveANewStoreAndARestart() throws Exception {
    JdbcDataSource file = new JdbcDataSource();
    file.setURL("jdbc:h2:file:" + directory.resolve("idempo") + ";DB_CLOSE_ON_EXIT=FALSE");
    HandlerDescriptor handler = handler("durable", Mode.TRANSACTIONAL);

    JdbcIdempotencyStore first = JdbcIdempotencyStore.builder(file).clock(clock).build();
    first.createTableIfMissing();
    assertThat(deliver(first, handler, "k", () -> "stored on disk")).isEqualTo("stored on disk");
    try (Connection c = file.getConnection();
        Statement s = c.createStatement()) {
      s.execute("SHUTDOWN");
    }

    JdbcIdempotencyStore second = JdbcIdempotencyStore.builder(file).clock(clock).build();
    second.createTableIfMissing();
    assertThat(deliver(second, handler, "k", () -> "ran again")).isEqualTo("stored on disk");
  }

  @Test
  void aSchemaQualifiedTableNameIsUsed() throws Exception {
    execute("CREATE SCHEMA app");
    JdbcIdempotencyStore store = storeBuilder(database).tableName("app.claims").build();
    store.createTableIfMissing();
    store.createTableIfMissing();
    HandlerDescriptor handler = handler("h", Mode.TRANSACTIONAL);
    store.claim(handler, "k").complete(null);
    assertThat(store.claim(handler, "k").isDuplicate()).isTrue();
    assertThat(count("SELECT COUNT(*) FROM app.claims")).isEqualTo(1);
    assertThat(
            count(
                "SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEXES"
                    + " WHERE INDEX_SCHEMA = 'APP' AND INDEX_NAME = 'CLAIMS_EXPIRES_AT_IDX'"))
        .isEqualTo(1);
  }
}
