package io.idempo.runtime.jdbc;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.IdempotentHandler.Mode;
import io.idempo.runtime.BatchClaim;
import io.idempo.runtime.Claim;
import io.idempo.runtime.DuplicateInProgressException;
import io.idempo.runtime.HandlerDescriptor;
import io.idempo.runtime.IdempotencyKeyReuseException;
import io.idempo.runtime.IdempotencyListener;
import io.idempo.runtime.IdempotencyStore;
import io.idempo.runtime.IdempotencyStoreContract;
import io.idempo.runtime.IdempotencyStoreException;
import io.idempo.runtime.InFlightPolicy;
import io.idempo.runtime.RecordingListener;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The store contract plus what only a database store does: the handler's own work in the claim's
 * transaction, lock waits, nested claims, batched purge, and database failures. Subclasses provide
 * a fresh database (or schema) per test.
 */
public abstract class JdbcStoreContract extends IdempotencyStoreContract {

  /** The fresh database of this test. */
  protected DataSource database;

  /** A fresh, empty database (or schema) for one test. */
  protected abstract DataSource freshDatabase() throws SQLException;

  /** The dialect the store must detect. */
  protected abstract Dialect expectedDialect();

  /** Whether the dialect claims a batch with one statement (H2, PostgreSQL), or key by key. */
  protected final boolean claimsABatchInOneStatement() {
    return expectedDialect() == Dialect.H2 || expectedDialect() == Dialect.POSTGRESQL;
  }

  /**
   * Breaks the physical connection behind {@code claimConnection} (a connection from {@link
   * JdbcIdempotencyStore#dataSource()} inside a transactional claim), as a network failure or a
   * database restart would.
   */
  protected abstract void breakConnection(Connection claimConnection) throws SQLException;

  /** Releases a database from {@link #freshDatabase()}; nothing by default. */
  protected void closeDatabase(DataSource dataSource) {}

  /**
   * An SQL literal of the timestamp column type for {@code utc}, a UTC date and time as {@code
   * yyyy-MM-dd HH:mm:ss}; by default a {@code TIMESTAMP WITH TIME ZONE}.
   */
  protected String timestampLiteral(String utc) {
    return "TIMESTAMP WITH TIME ZONE '" + utc + "+00'";
  }

  /** The instant in timestamp column {@code column} of {@code row}, read as an application would. */
  protected Instant timestampAt(ResultSet row, int column) throws SQLException {
    return row.getObject(column, OffsetDateTime.class).toInstant();
  }

  @AfterEach
  void dropDatabase() {
    closeDatabase(database);
  }

  @BeforeEach
  void createDatabase() throws SQLException {
    database = freshDatabase();
    execute("CREATE TABLE work (id VARCHAR(100) PRIMARY KEY, note VARCHAR(100))");
  }

  protected JdbcIdempotencyStore.Builder storeBuilder(DataSource dataSource) {
    return JdbcIdempotencyStore.builder(dataSource).clock(clock).listener(listener);
  }

  protected JdbcIdempotencyStore jdbcStore() {
    return (JdbcIdempotencyStore) newStore();
  }

  @Override
  protected IdempotencyStore newStore(InFlightPolicy policy) {
    JdbcIdempotencyStore store = storeBuilder(database).inFlightPolicy(policy).build();
    store.createTableIfMissing();
    return store;
  }

  @Override
  protected IdempotencyStore newStoreWithListener(IdempotencyListener listener) {
    JdbcIdempotencyStore store =
        JdbcIdempotencyStore.builder(database).clock(clock).listener(listener).build();
    store.createTableIfMissing();
    return store;
  }

  @Override
  protected long purgeExpired(IdempotencyStore store) {
    return ((JdbcIdempotencyStore) store).purgeExpired(7);
  }

  // --- helpers -----------------------------------------------------------------------------------

  protected void execute(String sql) throws SQLException {
    try (Connection c = database.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  protected long count(String sql) throws SQLException {
    try (Connection c = database.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  protected static void insertWork(DataSource dataSource, String id) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement insert =
            c.prepareStatement("INSERT INTO work (id, note) VALUES (?, ?)")) {
      insert.setString(1, id);
      insert.setString(2, "done");
      insert.executeUpdate();
    }
  }

  private static void insertWorkOn(Connection c, String id) throws SQLException {
    try (PreparedStatement insert = c.prepareStatement("INSERT INTO work (id, note) VALUES (?, ?)")) {
      insert.setString(1, id);
      insert.setString(2, "done");
      insert.executeUpdate();
    }
  }

  private long work(String id) throws SQLException {
    try (Connection c = database.getConnection();
        PreparedStatement select = c.prepareStatement("SELECT COUNT(*) FROM work WHERE id = ?")) {
      select.setString(1, id);
      try (ResultSet rs = select.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  // --- the store in the handler's transaction
  // ------------------------------------------------------

  @Test
  void detectsTheDatabase() {
    assertThat(jdbcStore().dialect()).isSameInstanceAs(expectedDialect());
  }

  @Test
  void handlerWorkCommitsTogetherWithTheRecord() throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    HandlerDescriptor handler = handler("ship", Mode.TRANSACTIONAL);
    String result =
        deliver(
            store,
            handler,
            "order-1",
            () -> {
              insertWork(store.dataSource(), "order-1");
              return "shipped";
            });
    assertThat(result).isEqualTo("shipped");
    assertThat(work("order-1")).isEqualTo(1);
    assertThat(
            deliver(
                store,
                handler,
                "order-1",
                () -> {
                  insertWork(store.dataSource(), "order-1-again");
                  return "again";
                }))
        .isEqualTo("shipped");
    assertThat(work("order-1-again")).isEqualTo(0);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void handlerFailureRollsBackItsWorkAndTheClaim(boolean voidHandler) throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    HandlerDescriptor handler = handler("ship", Mode.TRANSACTIONAL);
    Claim claim = store.claim(handler, "order-2");
    insertWork(store.dataSource(), "order-2");
    claim.release(new IllegalStateException("out of stock"));
    assertThat(work("order-2")).isEqualTo(0);
    assertThat(count("SELECT COUNT(*) FROM idempo_claims")).isEqualTo(0);

    Claim retry = store.claim(handler, "order-2");
    assertThat(retry.isDuplicate()).isFalse();
    insertWork(store.dataSource(), "order-2");
    retry.complete(voidHandler ? null : utf8("shipped"));
    assertThat(work("order-2")).isEqualTo(1);
  }

  @Test
  void handlerWorkIsInvisibleToOthersUntilTheClaimCommits() throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    Claim claim = store.claim(handler("ship", Mode.TRANSACTIONAL), "order-3");
    try (Connection connection = store.dataSource().getConnection()) {
      assertThat(connection.getAutoCommit()).isFalse();
    }
    insertWork(store.dataSource(), "order-3");
    assertThat(inAnotherThread(() -> work("order-3"))).isEqualTo(0);
    claim.complete(null);
    assertThat(work("order-3")).isEqualTo(1);
  }

  @Test
  void theHandlersStatementsHaveNoQueryTimeout() throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    Claim claim = store.claim(handler("ship", Mode.TRANSACTIONAL), "k");
    try (Connection connection = store.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      assertThat(statement.getQueryTimeout()).isEqualTo(0);
    }
    claim.complete(null);
  }

  @Test
  void theClaimsConnectionRefusesToEndItsTransaction() throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    HandlerDescriptor handler = handler("ship", Mode.TRANSACTIONAL);
    Claim claim = store.claim(handler, "order-4");
    Connection connection = store.dataSource().getConnection();
    insertWork(store.dataSource(), "order-4");
    IllegalStateException commit = assertThrows(IllegalStateException.class, connection::commit);
    assertThat(commit).hasMessageThat().contains("commit()");
    assertThat(commit).hasMessageThat().contains(handler.name());
    assertThrows(IllegalStateException.class, connection::rollback);
    assertThrows(IllegalStateException.class, () -> connection.setAutoCommit(true));
    connection.setAutoCommit(false);
    connection.close(); // does not end the claim's transaction
    insertWork(store.dataSource(), "order-4b");
    claim.complete(null);
    assertThat(work("order-4")).isEqualTo(1);
    assertThat(work("order-4b")).isEqualTo(1);
    SQLException stale = assertThrows(SQLException.class, connection::createStatement);
    assertThat((Throwable) stale).hasMessageThat().contains("ended");
  }

  @Test
  void outsideATransactionalClaimTheDataSourceIsThePlainOne() throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    try (Connection connection = store.dataSource().getConnection()) {
      assertThat(connection.getAutoCommit()).isTrue();
      connection.setAutoCommit(false);
      connection.rollback();
    }
    Claim lease = store.claim(handler("mail", Mode.LEASE), "m");
    try (Connection connection = store.dataSource().getConnection()) {
      assertThat(connection.getAutoCommit()).isTrue();
    }
    lease.complete(null);
    assertThat(store.dataSource().isWrapperFor(DataSource.class)).isTrue();
  }

  @Test
  void aConcurrentDuplicateWaitsForTheCommitThenReplays() throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    HandlerDescriptor handler = handler("ship", Mode.TRANSACTIONAL);
    Claim first = store.claim(handler, "k");
    Future<Claim> second = threads(1).submit(() -> store.claim(handler, "k"));
    Thread.sleep(
        200); // lets the second delivery block on the row lock; the outcome does not depend on it
    first.complete(utf8("first result"));
    Claim replay = second.get(30, TimeUnit.SECONDS);
    assertThat(replay.isDuplicate()).isTrue();
    assertThat(STRING.decode(replay.replayedResult())).isEqualTo("first result");
  }

  @Test
  void aConcurrentDuplicateWaitsForTheRollbackThenRuns() throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    HandlerDescriptor handler = handler("ship", Mode.TRANSACTIONAL);
    Claim first = store.claim(handler, "k");
    insertWork(store.dataSource(), "first");
    Future<String> second =
        threads(1)
            .submit(
                () ->
                    deliver(
                        store,
                        handler,
                        "k",
                        () -> {
                          insertWork(store.dataSource(), "second");
                          return "second result";
                        }));
    Thread.sleep(
        200); // lets the second delivery block on the row lock; the outcome does not depend on it
    first.release(new RuntimeException("first failed"));
    assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo("second result");
    assertThat(work("first")).isEqualTo(0);
    assertThat(work("second")).isEqualTo(1);
  }

  @Test
  void aDuplicateGivesUpAfterTheLockTimeout() throws Exception {
    JdbcIdempotencyStore store = storeBuilder(database).lockTimeout(Duration.ofSeconds(1)).build();
    store.createTableIfMissing();
    HandlerDescriptor handler = handler("ship", Mode.TRANSACTIONAL);
    Claim first = store.claim(handler, "k");
    DuplicateInProgressException e =
        inAnotherThread(
            () ->
                assertThrows(DuplicateInProgressException.class, () -> store.claim(handler, "k")));
    assertThat(e.key()).isEqualTo("k");
    assertThat(listener.events).contains("inProgress:k");
    first.complete(null);
    assertThat(store.claim(handler, "k").isDuplicate()).isTrue();
  }

  @Test
  void aTakeOverOfALockedExpiredRecordGivesUpAfterTheLockTimeout() throws Exception {
    JdbcIdempotencyStore store = storeBuilder(database).lockTimeout(Duration.ofSeconds(1)).build();
    store.createTableIfMissing();
    HandlerDescriptor handler = handler("ship", Mode.TRANSACTIONAL);
    store.claim(handler, "k").complete(null);
    clock.advance(Duration.ofHours(2));
    try (Connection locker = database.getConnection()) {
      // Another transaction holds the expired record's row lock, as a concurrent take-over would.
      locker.setAutoCommit(false);
      try (Statement lock = locker.createStatement()) {
        lock.executeQuery("SELECT status FROM idempo_claims FOR UPDATE").close();
      }
      DuplicateInProgressException e =
          inAnotherThread(
              () ->
                  assertThrows(
                      DuplicateInProgressException.class, () -> store.claim(handler, "k")));
      assertThat(e.key()).isEqualTo("k");
      locker.rollback();
    }
    Claim retry = store.claim(handler, "k");
    assertThat(retry.isDuplicate()).isFalse();
    retry.complete(null);
    assertThat(listener.events).containsAtLeast("inProgress:k", "expired:k").inOrder();
  }

  // --- nested claims
  // -------------------------------------------------------------------------------

  @Test
  void nestedClaimsJoinTheOuterTransaction() throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    HandlerDescriptor outer = handler("outer", Mode.TRANSACTIONAL);
    HandlerDescriptor inner = handler("inner", Mode.TRANSACTIONAL);
    String result =
        deliver(
            store,
            outer,
            "o",
            () -> {
              insertWork(store.dataSource(), "outer-work");
              String innerResult =
                  deliver(
                      store,
                      inner,
                      "i",
                      () -> {
                        insertWork(store.dataSource(), "inner-work");
                        return "inner";
                      });
              assertThat(inAnotherThread(() -> work("inner-work"))).isEqualTo(0);
              return "outer+" + innerResult;
            });
    assertThat(result).isEqualTo("outer+inner");
    assertThat(work("outer-work")).isEqualTo(1);
    assertThat(work("inner-work")).isEqualTo(1);
    assertThat(STRING.decode(store.claim(inner, "i").replayedResult())).isEqualTo("inner");
    assertThat(STRING.decode(store.claim(outer, "o").replayedResult())).isEqualTo("outer+inner");
  }

  @Test
  void aNestedClaimIsTimedOnItsOwn() throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    HandlerDescriptor outer = handler("outer", Mode.TRANSACTIONAL);
    HandlerDescriptor inner = handler("inner", Mode.TRANSACTIONAL);
    deliver(store, outer, "o", () -> deliver(store, inner, "i", () -> "inner"));

    assertThat(listener.timedClaims.stream().map(RecordingListener.TimedClaim::key).toList())
        .containsExactly("o", "i")
        .inOrder();
  }

  @Test
  void aFailedNestedClaimRollsBackOnlyItsOwnWork() throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    HandlerDescriptor outer = handler("outer", Mode.TRANSACTIONAL);
    HandlerDescriptor inner = handler("inner", Mode.TRANSACTIONAL);
    deliver(
        store,
        outer,
        "o",
        () -> {
          insertWork(store.dataSource(), "outer-work");
          assertThrows(
              IllegalStateException.class,
              () ->
                  deliver(
                      store,
                      inner,
                      "i",
                      () -> {
                        insertWork(store.dataSource(), "inner-work");
                        throw new IllegalStateException("inner fails");
                      }));
          return "outer";
        });
    assertThat(work("outer-work")).isEqualTo(1);
    assertThat(work("inner-work")).isEqualTo(0);
    assertThat(store.claim(inner, "i").isDuplicate()).isFalse();
  }

  @Test
  void aFailedOuterClaimRollsBackCompletedNestedClaims() throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    HandlerDescriptor outer = handler("outer", Mode.TRANSACTIONAL);
    HandlerDescriptor inner = handler("inner", Mode.TRANSACTIONAL);
    assertThrows(
        IllegalStateException.class,
        () ->
            deliver(
                store,
                outer,
                "o",
                () -> {
                  deliver(
                      store,
                      inner,
                      "i",
                      () -> {
                        insertWork(store.dataSource(), "inner-work");
                        return "inner";
                      });
                  throw new IllegalStateException("outer fails");
                }));
    assertThat(work("inner-work")).isEqualTo(0);
    assertThat(count("SELECT COUNT(*) FROM idempo_claims")).isEqualTo(0);
  }

  @Test
  void aNestedClaimOfACompletedKeyReplays() throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    HandlerDescriptor outer = handler("outer", Mode.TRANSACTIONAL);
    HandlerDescriptor inner = handler("inner", Mode.TRANSACTIONAL);
    deliver(store, inner, "i", () -> "recorded");
    String result = deliver(store, outer, "o", () -> deliver(store, inner, "i", () -> "ran again"));
    assertThat(result).isEqualTo("recorded");
  }

  @Test
  void reclaimingTheThreadsOwnKeyIsRefused() throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    HandlerDescriptor handler = handler("reentrant", Mode.TRANSACTIONAL);
    Claim outer = store.claim(handler, "k");
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> store.claim(handler, "k"));
    assertThat(e).hasMessageThat().contains("re-entrantly");
    insertWork(store.dataSource(), "still usable");
    outer.complete(null);
    assertThat(work("still usable")).isEqualTo(1);
  }

  /**
   * A nested claim decides by the latest committed record, not by its transaction's snapshot: on
   * MySQL under REPEATABLE READ, a plain read after the outer handler's first read would not see a
   * record committed since, though the insert reports its duplicate key.
   */
  @Test
  void aNestedClaimSeesARecordCommittedAfterItsTransactionBegan() throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    HandlerDescriptor outer = handler("outer", Mode.TRANSACTIONAL);
    HandlerDescriptor inner = handler("inner", Mode.TRANSACTIONAL);
    String result =
        deliver(
            store,
            outer,
            "o",
            () -> {
              // The handler reads first, which fixes a REPEATABLE READ transaction's snapshot.
              try (Connection c = store.dataSource().getConnection();
                  Statement read = c.createStatement();
                  ResultSet rows = read.executeQuery("SELECT COUNT(*) FROM work")) {
                rows.next();
              }
              inAnotherThread(() -> deliver(store, inner, "i", () -> "committed elsewhere"));
              return deliver(store, inner, "i", () -> "ran again");
            });
    assertThat(result).isEqualTo("committed elsewhere");
  }

  @Test
  void completingTheOuterClaimFirstRollsEverythingBack() throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    Claim outer = store.claim(handler("outer", Mode.TRANSACTIONAL), "o");
    Claim inner = store.claim(handler("inner", Mode.TRANSACTIONAL), "i");
    insertWork(store.dataSource(), "work");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> outer.complete(null));
    assertThat(e).hasMessageThat().contains("nested claim");
    assertThrows(IllegalStateException.class, () -> inner.complete(null));
    assertThat(work("work")).isEqualTo(0);
    assertThat(count("SELECT COUNT(*) FROM idempo_claims")).isEqualTo(0);
    // The thread is free again.
    Claim next = store.claim(handler("outer", Mode.TRANSACTIONAL), "o");
    next.complete(null);
  }

  // --- batches
  // ---------------------------------------------------------------------------------------------

  @Test
  void aBatchsWorkCommitsWithItsRecordsAndAFailedBatchLeavesNothing() throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    HandlerDescriptor handler = handler("batch", Mode.TRANSACTIONAL);
    List<String> first =
        deliverBatch(
            store,
            handler,
            List.of("o-1", "o-2", "o-1"),
            fresh -> {
              for (String key : fresh) {
                insertWork(store.dataSource(), key);
              }
              assertThat(inAnotherThread(() -> work("o-1"))).isEqualTo(0);
            });
    assertThat(first).containsExactly("o-1", "o-2").inOrder();
    assertThat(work("o-1")).isEqualTo(1);
    assertThat(work("o-2")).isEqualTo(1);
    assertThat(count("SELECT COUNT(*) FROM idempo_claims WHERE status = 'COMPLETED'"))
        .isEqualTo(2);

    assertThrows(
        IllegalStateException.class,
        () ->
            deliverBatch(
                store,
                handler,
                List.of("o-2", "o-3", "o-4"),
                fresh -> {
                  for (String key : fresh) {
                    insertWork(store.dataSource(), key);
                  }
                  throw new IllegalStateException("the batch fails after its work");
                }));
    assertThat(work("o-3")).isEqualTo(0);
    assertThat(count("SELECT COUNT(*) FROM idempo_claims")).isEqualTo(2);
    // The thread holds no transaction any more: the store's DataSource is the plain one.
    try (Connection connection = store.dataSource().getConnection()) {
      assertThat(connection.getAutoCommit()).isTrue();
    }
  }

  @Test
  void aTransactionalBatchCostsOneClaimStatementAndOneCommit() throws Exception {
    assumeTrue(
        claimsABatchInOneStatement(),
        expectedDialect() + " has no batch claim statements: its stores claim a batch key by key");
    CountingDataSource counting = new CountingDataSource(database);
    JdbcIdempotencyStore store = storeBuilder(counting).build();
    store.createTableIfMissing();
    HandlerDescriptor handler = handler("batch-count", Mode.TRANSACTIONAL);
    List<String> fresh = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      fresh.add("k" + i);
    }
    counting.reset();
    assertThat(deliverBatch(store, handler, fresh, f -> {})).hasSize(100);
    assertThat(counting.statements).isEqualTo(1);
    assertThat(counting.commits).isEqualTo(1);

    // 20 duplicates: PostgreSQL's claim statement reads their records itself; on H2 one more
    // statement reads them.
    int withDuplicates = expectedDialect() == Dialect.POSTGRESQL ? 1 : 2;
    List<String> mixed = new ArrayList<>(fresh.subList(0, 20));
    for (int i = 100; i < 180; i++) {
      mixed.add("k" + i);
    }
    counting.reset();
    assertThat(deliverBatch(store, handler, mixed, f -> {})).hasSize(80);
    assertThat(counting.statements).isEqualTo(withDuplicates);
    assertThat(counting.commits).isEqualTo(1);

    // Nothing new: the same statements, and no commit.
    counting.reset();
    assertThat(deliverBatch(store, handler, mixed, f -> {})).isEmpty();
    assertThat(counting.statements).isEqualTo(withDuplicates);
    assertThat(counting.commits).isEqualTo(0);
  }

  @Test
  void aLeaseBatchCostsOneStatementToClaimAndOneToComplete() throws Exception {
    assumeTrue(
        claimsABatchInOneStatement(),
        expectedDialect() + " has no batch claim statements: its stores claim a batch key by key");
    CountingDataSource counting = new CountingDataSource(database);
    JdbcIdempotencyStore store = storeBuilder(counting).build();
    store.createTableIfMissing();
    HandlerDescriptor handler = handler("batch-lease-count", Mode.LEASE);
    counting.reset();
    BatchClaim claim = store.claimBatch(handler, List.of("a", "b", "c"));
    assertThat(counting.statements).isEqualTo(1);
    assertThat(count("SELECT COUNT(*) FROM idempo_claims WHERE status = 'IN_PROGRESS'"))
        .isEqualTo(3);
    claim.complete();
    assertThat(counting.statements).isEqualTo(2);
    assertThat(count("SELECT COUNT(*) FROM idempo_claims WHERE status = 'COMPLETED'"))
        .isEqualTo(3);
    BatchClaim failed = store.claimBatch(handler, List.of("c", "d", "e"));
    failed.release(new IllegalStateException("batch failed"));
    assertThat(count("SELECT COUNT(*) FROM idempo_claims")).isEqualTo(3);
  }

  @Test
  void batchesOverlappingInOppositeOrdersWaitInsteadOfDeadlocking() throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    HandlerDescriptor handler = handler("batch-order", Mode.TRANSACTIONAL);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      keys.add("k" + i);
    }
    List<String> reversed = new ArrayList<>(keys);
    Collections.reverse(reversed);
    BatchClaim first = store.claimBatch(handler, keys);
    Future<List<String>> second =
        threads(1)
            .submit(
                () -> {
                  List<String> batch = new ArrayList<>(reversed);
                  batch.add("only-in-second");
                  return deliverBatch(store, handler, batch, fresh -> {});
                });
    Thread.sleep(200); // lets the second batch block on a row lock; the outcome does not depend on it
    first.complete();
    assertThat(second.get(30, TimeUnit.SECONDS)).containsExactly("only-in-second");
  }

  @Test
  void aBatchGivesUpAfterTheLockTimeoutNamingTheKeyInFlightAndClaimingNothing() throws Exception {
    JdbcIdempotencyStore store = storeBuilder(database).lockTimeout(Duration.ofMillis(500)).build();
    store.createTableIfMissing();
    HandlerDescriptor handler = handler("batch-timeout", Mode.TRANSACTIONAL);
    Claim running = store.claim(handler, "k-5");
    DuplicateInProgressException e =
        inAnotherThread(
            () ->
                assertThrows(
                    DuplicateInProgressException.class,
                    () -> store.claimBatch(handler, List.of("k-9", "k-5", "k-1"))));
    assertThat(e.key()).isEqualTo("k-5");
    assertThat(e).hasMessageThat().contains(handler.name());
    assertThat(listener.events).contains("inProgress:k-5");
    if (claimsABatchInOneStatement()) {
      assertThat(listener.events).doesNotContain("claimed:k-1");
    } else {
      // Key by key: k-1 was claimed before k-5 was met, and the give-up released it.
      assertThat(listener.events).containsAtLeast("claimed:k-1", "released:k-1").inOrder();
    }
    running.complete(null);
    assertThat(count("SELECT COUNT(*) FROM idempo_claims")).isEqualTo(1);
    assertThat(deliverBatch(store, handler, List.of("k-9", "k-5", "k-1"), fresh -> {}))
        .containsExactly("k-9", "k-1")
        .inOrder();
  }

  @Test
  void aBatchInsideAHandlersClaimCommitsWithIt() throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    HandlerDescriptor outer = handler("outer", Mode.TRANSACTIONAL);
    HandlerDescriptor batch = handler("batch", Mode.TRANSACTIONAL);
    deliverBatch(store, batch, List.of("b-done"), fresh -> {});
    String result =
        deliver(
            store,
            outer,
            "o",
            () -> {
              List<String> fresh =
                  deliverBatch(
                      store,
                      batch,
                      List.of("b-1", "b-done", "b-2"),
                      keys -> {
                        for (String key : keys) {
                          insertWork(store.dataSource(), key);
                        }
                      });
              assertThat(inAnotherThread(() -> work("b-1"))).isEqualTo(0);
              assertThrows(
                  IllegalStateException.class,
                  () ->
                      deliverBatch(
                          store,
                          batch,
                          List.of("b-3"),
                          keys -> {
                            insertWork(store.dataSource(), "b-3");
                            throw new IllegalStateException("the nested batch fails");
                          }));
              return String.join(",", fresh);
            });
    assertThat(result).isEqualTo("b-1,b-2");
    assertThat(work("b-1")).isEqualTo(1);
    assertThat(work("b-2")).isEqualTo(1);
    assertThat(work("b-3")).isEqualTo(0);
    assertThat(deliverBatch(store, batch, List.of("b-1", "b-2", "b-3"), fresh -> {}))
        .containsExactly("b-3");
  }

  @Test
  void aHandlerCalledFromABatchJoinsTheBatchsTransaction() throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    HandlerDescriptor batch = handler("batch", Mode.TRANSACTIONAL);
    HandlerDescriptor inner = handler("inner", Mode.TRANSACTIONAL);
    assertThrows(
        IllegalStateException.class,
        () ->
            deliverBatch(
                store,
                batch,
                List.of("b-1", "b-2"),
                fresh -> {
                  for (String key : fresh) {
                    deliver(
                        store,
                        inner,
                        "inner-" + key,
                        () -> {
                          insertWork(store.dataSource(), "inner-" + key);
                          return "ok";
                        });
                  }
                  throw new IllegalStateException("the batch fails after its nested claims");
                }));
    assertThat(work("inner-b-1")).isEqualTo(0);
    assertThat(count("SELECT COUNT(*) FROM idempo_claims")).isEqualTo(0);

    deliverBatch(
        store,
        batch,
        List.of("b-1", "b-2"),
        fresh -> {
          for (String key : fresh) {
            deliver(store, inner, "inner-" + key, () -> "ok");
          }
          IllegalStateException e =
              assertThrows(IllegalStateException.class, () -> store.claim(batch, "b-1"));
          assertThat(e).hasMessageThat().contains("re-entrantly");
        });
    assertThat(count("SELECT COUNT(*) FROM idempo_claims")).isEqualTo(4);
  }

  @Test
  void aBatchInTheApplicationsTransactionLeavesTheCommitToIt() throws Exception {
    JoinedTransactions app = new JoinedTransactions(database);
    JdbcIdempotencyStore store = storeBuilder(database).transactions(app).build();
    store.createTableIfMissing();
    HandlerDescriptor handler = handler("batch-joined", Mode.TRANSACTIONAL);

    app.begin();
    insertWorkOn(app.connection, "app-work");
    assertThat(
            deliverBatch(
                store,
                handler,
                List.of("j-1", "j-2"),
                fresh -> insertWork(store.dataSource(), "batch-work")))
        .containsExactly("j-1", "j-2");
    assertThat(listener.events).doesNotContain("completed:j-1");
    assertThat(inAnotherThread(() -> work("batch-work"))).isEqualTo(0);
    app.commit();
    assertThat(listener.events).containsAtLeast("completed:j-1", "completed:j-2");
    assertThat(work("app-work")).isEqualTo(1);
    assertThat(work("batch-work")).isEqualTo(1);

    // All duplicates: the application's transaction goes on as it was.
    app.begin();
    assertThat(deliverBatch(store, handler, List.of("j-2", "j-1"), fresh -> {})).isEmpty();
    insertWorkOn(app.connection, "after-duplicates");
    app.commit();
    assertThat(work("after-duplicates")).isEqualTo(1);

    // A failed batch marks the application's transaction rollback-only.
    app.begin();
    assertThrows(
        IllegalStateException.class,
        () ->
            deliverBatch(
                store,
                handler,
                List.of("j-3"),
                fresh -> {
                  throw new IllegalStateException("batch fails");
                }));
    assertThat(app.rollbackOnly).isTrue();
    app.rollback();
    assertThat(deliverBatch(store, handler, List.of("j-3"), fresh -> {})).containsExactly("j-3");
  }

  /**
   * A transaction the application began, as the Spring starter's {@code ClaimTransactions} joins
   * it: claims run on its connection, the application commits or rolls back.
   */
  private static final class JoinedTransactions implements ClaimTransactions {
    private final DataSource dataSource;
    Connection connection;
    boolean rollbackOnly;
    private final List<Runnable> afterCommit = new ArrayList<>();

    JoinedTransactions(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    void begin() throws SQLException {
      connection = dataSource.getConnection();
      connection.setAutoCommit(false);
      rollbackOnly = false;
    }

    void commit() throws SQLException {
      assertThat(rollbackOnly).isFalse();
      connection.commit();
      connection.close();
      connection = null;
      afterCommit.forEach(Runnable::run);
      afterCommit.clear();
    }

    void rollback() throws SQLException {
      connection.rollback();
      connection.close();
      connection = null;
      afterCommit.clear();
    }

    @Override
    public ClaimTransaction begin(DataSource ignored) throws SQLException {
      if (connection == null) {
        return LocalClaimTransaction.begin(dataSource);
      }
      return new ClaimTransaction() {
        @Override
        public Connection connection() {
          return connection;
        }

        @Override
        public boolean joined() {
          return true;
        }

        @Override
        public void commit() {}

        @Override
        public void rollback() {
          rollbackOnly = true;
        }

        @Override
        public void afterCommit(Runnable action) {
          afterCommit.add(action);
        }

        @Override
        public void close() {}
      };
    }
  }

  /** Counts the statements prepared (as every claim statement is) and the commits made. */
  static final class CountingDataSource extends FlakyDataSource {
    int statements;
    int commits;

    CountingDataSource(DataSource target) {
      super(target);
    }

    void reset() {
      statements = 0;
      commits = 0;
    }

    @Override
    public Connection getConnection() throws SQLException {
      Connection target = super.getConnection();
      return (Connection)
          Proxy.newProxyInstance(
              JdbcStoreContract.class.getClassLoader(),
              new Class<?>[] {Connection.class},
              (proxy, method, args) -> {
                switch (method.getName()) {
                  case "prepareStatement" -> statements++;
                  case "commit" -> commits++;
                  default -> {}
                }
                try {
                  return method.invoke(target, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
    }
  }

  // --- table, rows, purge
  // ---------------------------------------------------------------------------

  @Test
  void aLiveRowWithAStatusTheStoreNeverWritesIsRefusedNamingHandlerKeyPathKeyAndTable()
      throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    for (Mode mode : Mode.values()) {
      HandlerDescriptor handler = handler("ship-" + mode, mode);
      insertRowOfStatusDone(handler, "order-9", "9999-01-01 00:00:00");

      IdempotencyStoreException refused =
          assertThrows(IdempotencyStoreException.class, () -> store.claim(handler, "order-9"));

      assertThat(refused)
          .hasMessageThat()
          .isEqualTo(
              "record of handler "
                  + handler.name()
                  + " (key path "
                  + handler.keyPath()
                  + ") for key 'order-9' in idempo_claims has status 'DONE', which the store never"
                  + " writes (it writes IN_PROGRESS and COMPLETED). Correct or delete that row;"
                  + " until then the key's messages are not processed.");
    }
    assertThat(count("SELECT COUNT(*) FROM idempo_claims WHERE status = 'DONE'")).isEqualTo(2);
    assertThat(count("SELECT COUNT(*) FROM idempo_claims")).isEqualTo(2);
  }

  @Test
  void anExpiredRowWithAStatusTheStoreNeverWritesIsTakenOver() throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    for (Mode mode : Mode.values()) {
      HandlerDescriptor handler = handler("ship-" + mode, mode);
      insertRowOfStatusDone(handler, "order-9", "2000-01-01 00:00:00");

      Claim claim = store.claim(handler, "order-9");
      assertThat(claim.isDuplicate()).isFalse();
      claim.complete(null);
    }
    assertThat(count("SELECT COUNT(*) FROM idempo_claims WHERE status = 'COMPLETED'")).isEqualTo(2);
    assertThat(count("SELECT COUNT(*) FROM idempo_claims")).isEqualTo(2);
  }

  /** Writes a row whose status the store never writes, as a hand edit would. */
  private void insertRowOfStatusDone(HandlerDescriptor handler, String key, String expiresAt)
      throws SQLException {
    execute(
        "INSERT INTO idempo_claims (handler_name, idempotency_key, status, claim_token,"
            + " expires_at, created_at) VALUES ('"
            + handler.name()
            + "', '"
            + key
            + "', 'DONE', 't', "
            + timestampLiteral(expiresAt)
            + ", "
            + timestampLiteral("2000-01-01 00:00:00")
            + ")");
  }

  @Test
  void rowsShowStatusKeyDigestResultAndExpiry() throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    HandlerDescriptor lease = handler("mail", Mode.LEASE);
    Claim running = store.claim(lease, "x".repeat(300));
    try (Connection c = database.getConnection();
        Statement s = c.createStatement();
        ResultSet row =
            s.executeQuery(
                "SELECT handler_name, idempotency_key, status, result, expires_at, created_at FROM"
                    + " idempo_claims")) {
      assertThat(row.next()).isTrue();
      assertThat(row.getString(1)).isEqualTo(lease.name());
      assertThat(row.getString(2)).matches("sha256:[0-9a-f]{64}");
      assertThat(row.getString(3)).isEqualTo("IN_PROGRESS");
      assertThat(row.getBytes(4)).isNull();
      assertThat(timestampAt(row, 5)).isEqualTo(clock.instant().plus(lease.lease()));
      assertThat(timestampAt(row, 6)).isEqualTo(clock.instant());
      assertThat(row.next()).isFalse();
    }
    clock.advance(Duration.ofSeconds(10));
    running.complete(utf8("sent"));
    try (Connection c = database.getConnection();
        Statement s = c.createStatement();
        ResultSet row = s.executeQuery("SELECT status, result, expires_at FROM idempo_claims")) {
      assertThat(row.next()).isTrue();
      assertThat(row.getString(1)).isEqualTo("COMPLETED");
      assertThat(new String(row.getBytes(2), StandardCharsets.UTF_8)).isEqualTo("sent");
      assertThat(timestampAt(row, 3)).isEqualTo(clock.instant().plus(lease.ttl()));
    }
  }

  @Test
  void purgeWorksInBoundedBatches() throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    HandlerDescriptor handler = handler("purge", Mode.TRANSACTIONAL);
    for (int i = 0; i < 25; i++) {
      store.claim(handler, "k" + i).complete(null);
    }
    clock.advance(Duration.ofHours(2));
    store.claim(handler, "fresh").complete(null);
    assertThat(store.purgeExpired(10, 1)).isEqualTo(10);
    assertThat(count("SELECT COUNT(*) FROM idempo_claims")).isEqualTo(16);
    assertThat(store.purgeExpired(10)).isEqualTo(15);
    assertThat(store.purgeExpired(10)).isEqualTo(0);
    assertThat(count("SELECT COUNT(*) FROM idempo_claims")).isEqualTo(1);
    assertThat(listener.events).containsAtLeast("purged:10", "purged:15", "purged:0").inOrder();
    assertThrows(IllegalArgumentException.class, () -> store.purgeExpired(0));
  }

  @Test
  void createTableIfMissingCanRunAgain() {
    JdbcIdempotencyStore store = jdbcStore();
    store.createTableIfMissing();
    store.createTableIfMissing();
    assertThat(store.claim(handler("h", Mode.TRANSACTIONAL), "k").isDuplicate()).isFalse();
  }

  @Test
  void theShippedDdlScriptCreatesAWorkingTable() throws Exception {
    // What a Flyway or Liquibase user does: run the resource as it is.
    String script;
    try (InputStream in = getClass().getResourceAsStream("/" + expectedDialect().ddlResource())) {
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    StringBuilder sql = new StringBuilder();
    script
        .lines()
        .filter(line -> !line.startsWith("--"))
        .forEach(line -> sql.append(line).append('\n'));
    for (String statement : Pattern.compile(";").split(sql, -1)) {
      if (!statement.isBlank()) {
        execute(statement);
      }
    }
    JdbcIdempotencyStore store = storeBuilder(database).build();
    HandlerDescriptor handler = handler("h", Mode.LEASE);
    store.claim(handler, "k").complete(utf8("v"));
    assertThat(STRING.decode(store.claim(handler, "k").replayedResult())).isEqualTo("v");
  }

  @Test
  void aConfiguredTableNameIsUsed() throws Exception {
    JdbcIdempotencyStore store = storeBuilder(database).tableName("payments_dedup").build();
    store.createTableIfMissing();
    assertThat(store.tableName()).isEqualTo("payments_dedup");
    store.claim(handler("h", Mode.TRANSACTIONAL), "k").complete(null);
    assertThat(count("SELECT COUNT(*) FROM payments_dedup")).isEqualTo(1);
  }

  // --- payload fingerprints ------------------------------------------------------------------

  /** The store's table as it was before the store kept payload fingerprints. */
  private void dropTheFingerprintColumn() throws SQLException {
    jdbcStore(); // creates the table
    execute("ALTER TABLE idempo_claims DROP COLUMN fingerprint");
  }

  @ParameterizedTest
  @ValueSource(strings = {"TRANSACTIONAL", "LEASE"})
  void aTableWithoutTheFingerprintColumnServesHandlersWithoutAFingerprint(String mode)
      throws Exception {
    dropTheFingerprintColumn();
    JdbcIdempotencyStore store = storeBuilder(database).build();
    HandlerDescriptor plain = handler("plain", Mode.valueOf(mode));
    assertThat(deliver(store, plain, "k", () -> "first")).isEqualTo("first");
    assertThat(deliver(store, plain, "k", () -> "again")).isEqualTo("first");
    clock.advance(Duration.ofMinutes(61));
    // The take-over of an expired record, the one statement that would clear the column.
    assertThat(deliver(store, plain, "k", () -> "second")).isEqualTo("second");
    assertThat(deliver(store, plain, "k", () -> "again")).isEqualTo("second");
    assertThat(listener.events).contains("expired:k");
  }

  @ParameterizedTest
  @ValueSource(strings = {"TRANSACTIONAL", "LEASE"})
  void aFingerprintOnATableWithoutTheColumnNamesTheStatementThatAddsIt(String mode)
      throws Exception {
    dropTheFingerprintColumn();
    JdbcIdempotencyStore store = storeBuilder(database).build();
    HandlerDescriptor handler = fingerprinted("pay", Mode.valueOf(mode));
    IdempotencyStoreException e =
        assertThrows(
            IdempotencyStoreException.class,
            () -> deliver(store, handler, "req-1", AMOUNT_10, () -> "paid"));
    assertThat(e)
        .hasMessageThat()
        .contains(
            "ALTER TABLE idempo_claims ADD COLUMN fingerprint "
                + expectedDialect().fingerprintType());
    assertThat(e).hasMessageThat().contains(handler.name());
    assertThat(e).hasMessageThat().contains("'req-1'");
    assertThat(e).hasMessageThat().contains("createTableIfMissing()");
    assertThat(e).hasMessageThat().contains("Nothing was recorded");
    assertThat(count("SELECT COUNT(*) FROM idempo_claims")).isEqualTo(0);

    // createTableIfMissing() adds the column to the existing table, and keeps its rows.
    deliver(store, handler("plain", Mode.LEASE), "kept", () -> "kept");
    store.createTableIfMissing();
    store.createTableIfMissing();
    assertThat(deliver(store, handler, "req-1", AMOUNT_10, () -> "paid")).isEqualTo("paid");
    assertThrows(
        IdempotencyKeyReuseException.class,
        () -> deliver(store, handler, "req-1", AMOUNT_99, () -> "again"));
    assertThat(deliver(store, handler("plain", Mode.LEASE), "kept", () -> "again"))
        .isEqualTo("kept");
  }

  @Test
  void theMigrationStatementAddsTheColumnAStoreThenUses() throws Exception {
    dropTheFingerprintColumn();
    JdbcIdempotencyStore store = storeBuilder(database).build();
    HandlerDescriptor handler = fingerprinted("pay", Mode.TRANSACTIONAL);
    assertThrows(
        IdempotencyStoreException.class, () -> store.claim(handler, "req-1", AMOUNT_10));
    // What a Flyway or Liquibase user runs, as docs/runtime.md gives it.
    execute(
        "ALTER TABLE idempo_claims ADD COLUMN fingerprint " + expectedDialect().fingerprintType());
    assertThat(deliver(store, handler, "req-1", AMOUNT_10, () -> "paid")).isEqualTo("paid");
    assertThrows(
        IdempotencyKeyReuseException.class, () -> store.claim(handler, "req-1", AMOUNT_99));
  }

  @ParameterizedTest
  @ValueSource(strings = {"TRANSACTIONAL", "LEASE"})
  void aTakeOverWithoutAFingerprintClearsTheColumnItFindsInTheTable(String mode)
      throws Exception {
    HandlerDescriptor handler = fingerprinted("pay", Mode.valueOf(mode));
    JdbcIdempotencyStore writer = jdbcStore();
    deliver(writer, handler, "req-1", AMOUNT_10, () -> "paid 10");
    clock.advance(Duration.ofMinutes(61));
    // A store that never ran a statement naming the column, nor createTableIfMissing().
    JdbcIdempotencyStore plain = storeBuilder(database).build();
    assertThat(deliver(plain, handler, "req-1", () -> "paid")).isEqualTo("paid");
    assertThat(fingerprintColumn("req-1")).isNull();
    assertThat(deliver(writer, handler, "req-1", AMOUNT_99, () -> "again")).isEqualTo("paid");
  }

  @ParameterizedTest
  @ValueSource(strings = {"TRANSACTIONAL", "LEASE"})
  void theRowKeepsTheFingerprintsDigest(String mode) throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    HandlerDescriptor handler = fingerprinted("pay", Mode.valueOf(mode));
    Claim claim = store.claim(handler, "req-1", AMOUNT_10);
    if (handler.mode() == Mode.LEASE) {
      assertThat(fingerprintColumn("req-1")).isEqualTo(AMOUNT_10.digest());
    }
    claim.complete(utf8("paid"));
    assertThat(fingerprintColumn("req-1")).isEqualTo(AMOUNT_10.digest());
    deliver(store, handler, "plain", () -> "paid");
    assertThat(fingerprintColumn("plain")).isNull();
  }

  @Test
  void aNestedClaimOfAReusedKeyLeavesTheOuterTransactionUsable() throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    HandlerDescriptor outer = handler("outer", Mode.TRANSACTIONAL);
    HandlerDescriptor inner = fingerprinted("inner", Mode.TRANSACTIONAL);
    deliver(store, inner, "i", AMOUNT_10, () -> "recorded");
    String result =
        deliver(
            store,
            outer,
            "o",
            () -> {
              assertThrows(
                  IdempotencyKeyReuseException.class,
                  () -> deliver(store, inner, "i", AMOUNT_99, () -> "ran again"));
              insertWork(store.dataSource(), "outer-work");
              return "outer";
            });
    assertThat(result).isEqualTo("outer");
    assertThat(work("outer-work")).isEqualTo(1);
    assertThat(STRING.decode(store.claim(outer, "o").replayedResult())).isEqualTo("outer");
    assertThat(STRING.decode(store.claim(inner, "i", AMOUNT_10).replayedResult()))
        .isEqualTo("recorded");
  }

  @Test
  void aReusedKeyInTheApplicationsTransactionLeavesItAsItWas() throws Exception {
    JoinedTransactions app = new JoinedTransactions(database);
    JdbcIdempotencyStore store = storeBuilder(database).transactions(app).build();
    store.createTableIfMissing();
    HandlerDescriptor handler = fingerprinted("joined", Mode.TRANSACTIONAL);
    deliver(store, handler, "req-1", AMOUNT_10, () -> "paid");

    app.begin();
    insertWorkOn(app.connection, "app-work");
    assertThrows(
        IdempotencyKeyReuseException.class,
        () -> deliver(store, handler, "req-1", AMOUNT_99, () -> "again"));
    assertThat(app.rollbackOnly).isFalse();
    insertWorkOn(app.connection, "after-reuse");
    app.commit();
    assertThat(work("app-work")).isEqualTo(1);
    assertThat(work("after-reuse")).isEqualTo(1);
  }

  /** The fingerprint column of the row of {@code key}. */
  private byte[] fingerprintColumn(String key) throws SQLException {
    try (Connection c = database.getConnection();
        PreparedStatement select =
            c.prepareStatement("SELECT fingerprint FROM idempo_claims WHERE idempotency_key = ?")) {
      select.setString(1, key);
      try (ResultSet row = select.executeQuery()) {
        assertThat(row.next()).isTrue();
        return row.getBytes(1);
      }
    }
  }

  // --- failures ---------------------------------------------------------------------------------

  @Test
  void aMissingTableIsAClearError() {
    JdbcIdempotencyStore store = storeBuilder(database).tableName("not_created").build();
    IdempotencyStoreException e =
        assertThrows(
            IdempotencyStoreException.class, () -> store.claim(handler("h", Mode.LEASE), "k"));
    assertThat(e).hasMessageThat().contains("createTableIfMissing()");
    assertThat(e).hasMessageThat().contains("not_created");
  }

  @ParameterizedTest
  @ValueSource(strings = {"TRANSACTIONAL", "LEASE"})
  void anUnreachableDatabaseIsAClearErrorAndRecordsNothing(String mode) throws Exception {
    JdbcIdempotencyStore healthy = jdbcStore();
    HandlerDescriptor handler = handler("h", Mode.valueOf(mode));
    deliver(healthy, handler, "done", () -> "recorded");

    FlakyDataSource flaky = new FlakyDataSource(database);
    JdbcIdempotencyStore store = storeBuilder(flaky).build();
    flaky.down = true;
    IdempotencyStoreException e =
        assertThrows(IdempotencyStoreException.class, () -> store.claim(handler, "k"));
    assertThat(e).hasMessageThat().contains(handler.name());
    assertThat(e).hasMessageThat().contains("'k'");
    assertThat(e).hasMessageThat().contains("database is down");
    assertThat(e).hasMessageThat().contains("deliver the message again");

    flaky.down = false;
    assertThat(STRING.decode(store.claim(handler, "done").replayedResult())).isEqualTo("recorded");
    assertThat(store.claim(handler, "k").isDuplicate()).isFalse();
  }

  @Test
  void aLeaseWhoseCompletionCannotBeRecordedRunsAgainAfterItExpires() throws Exception {
    FlakyDataSource flaky = new FlakyDataSource(database);
    JdbcIdempotencyStore store = storeBuilder(flaky).build();
    store.createTableIfMissing();
    HandlerDescriptor handler = handler("mail", Mode.LEASE);
    Claim claim = store.claim(handler, "k");
    flaky.down = true;
    IdempotencyStoreException e =
        assertThrows(IdempotencyStoreException.class, () -> claim.complete(utf8("sent")));
    assertThat(e).hasMessageThat().contains("lease expires");
    flaky.down = false;
    assertThrows(DuplicateInProgressException.class, () -> store.claim(handler, "k"));
    clock.advance(handler.lease());
    assertThat(store.claim(handler, "k").isDuplicate()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aConnectionLostMidTransactionRecordsNothing(boolean voidHandler) throws Exception {
    JdbcIdempotencyStore store = jdbcStore();
    HandlerDescriptor handler = handler("ship", Mode.TRANSACTIONAL);
    deliver(
        store,
        handler,
        "done",
        () -> {
          insertWork(store.dataSource(), "done");
          return "recorded";
        });

    Claim claim = store.claim(handler, "lost");
    insertWork(store.dataSource(), "lost");
    try (Connection connection = store.dataSource().getConnection()) {
      breakConnection(connection);
    }
    IdempotencyStoreException e =
        assertThrows(
            IdempotencyStoreException.class,
            () -> claim.complete(voidHandler ? null : utf8("shipped")));
    assertThat(e).hasMessageThat().contains(handler.name());
    assertThat(e).hasMessageThat().contains("do not acknowledge");

    assertThat(work("lost")).isEqualTo(0);
    assertThat(work("done")).isEqualTo(1);
    assertThat(STRING.decode(store.claim(handler, "done").replayedResult())).isEqualTo("recorded");
    Claim retry = store.claim(handler, "lost");
    assertThat(retry.isDuplicate()).isFalse();
    insertWork(store.dataSource(), "lost");
    retry.complete(null);
    assertThat(work("lost")).isEqualTo(1);
  }

  @Test
  void anUnsupportedDatabaseIsRefusedByName() {
    DataSource oracle = fakeDataSource("Oracle");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> JdbcIdempotencyStore.builder(oracle).build());
    assertThat(e).hasMessageThat().contains("'Oracle'");
    assertThat(e).hasMessageThat().contains("support H2, PostgreSQL, MySQL, MariaDB");
  }

  /** A DataSource whose database reports {@code productName} and does nothing else. */
  private static DataSource fakeDataSource(String productName) {
    DatabaseMetaData metaData =
        (DatabaseMetaData)
            Proxy.newProxyInstance(
                JdbcStoreContract.class.getClassLoader(),
                new Class<?>[] {DatabaseMetaData.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("getDatabaseProductName")) {
                    return productName;
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
    Connection connection =
        (Connection)
            Proxy.newProxyInstance(
                JdbcStoreContract.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                (proxy, method, args) ->
                    switch (method.getName()) {
                      case "getMetaData" -> metaData;
                      case "close" -> null;
                      default -> throw new UnsupportedOperationException(method.getName());
                    });
    return new FlakyDataSource(null) {
      @Override
      public Connection getConnection() {
        return connection;
      }
    };
  }

  /** Wraps a DataSource and fails every {@code getConnection()} while {@link #down}. */
  static class FlakyDataSource implements DataSource {
    private final DataSource target;
    volatile boolean down;

    FlakyDataSource(DataSource target) {
      this.target = target;
    }

    @Override
    public Connection getConnection() throws SQLException {
      if (down) {
        throw new SQLException("database is down", "08001");
      }
      return target.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() {
      return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return false;
    }
  }
}
