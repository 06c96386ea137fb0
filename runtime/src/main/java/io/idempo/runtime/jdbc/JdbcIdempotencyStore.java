package io.idempo.runtime.jdbc;

import io.idempo.IdempotentHandler;
import io.idempo.runtime.Claim;
import io.idempo.runtime.DuplicateInProgressException;
import io.idempo.runtime.HandlerDescriptor;
import io.idempo.runtime.IdempotencyListener;
import io.idempo.runtime.IdempotencyStore;
import io.idempo.runtime.IdempotencyStoreException;
import io.idempo.runtime.InFlightPolicy;
import io.idempo.runtime.StoredKeys;
import io.idempo.runtime.jdbc.ClaimTransactions.ClaimTransaction;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * An {@link IdempotencyStore} that keeps its records in a table of the application's own database,
 * H2 or PostgreSQL, over a {@link DataSource}. See {@code docs/runtime.md} for the protocol, the
 * table and what each failure does.
 *
 * <pre>{@code
 * JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(dataSource).build();
 * store.createTableIfMissing();          // or run postgresql.sql (next to Dialect) in a migration
 * DataSource db = store.dataSource();     // handler code uses this one for its own JDBC work
 * }</pre>
 *
 * <h2>Transactional mode</h2>
 *
 * <p>{@link #claim} opens a connection, starts a transaction and inserts the record in it, already
 * marked completed, with the ttl counted from the claim. The transaction is bound to the calling
 * thread: {@link #dataSource()} hands that thread the same connection, so the handler's own
 * statements join the transaction. {@link Claim#complete} stores the result and commits; {@link
 * Claim#release} rolls back. The record and the handler's work therefore commit together or not at
 * all, with no extra commit. A void handler costs one extra statement (the insert); the result
 * update runs only for a non-null result. On PostgreSQL, {@code complete} first reads the driver's
 * transaction state (no round trip) and refuses to commit a transaction that a swallowed SQL error
 * aborted, since PostgreSQL's commit would silently roll it back; where the driver's state cannot be
 * read, the result update runs before every commit and detects it instead.
 *
 * <p>Until it commits, the record is invisible to other transactions. A concurrent delivery of the
 * same key waits on the database's row lock, then replays the result (the first committed) or runs
 * the handler (the first rolled back). It waits at most {@link Builder#lockTimeout(Duration)};
 * after that the {@link InFlightPolicy} applies.
 *
 * <p>A transactional claim made on a thread that already holds one of this store (a handler calling
 * another handler) joins the outer transaction under a savepoint: completing it stores its record
 * without committing, releasing it rolls back to the savepoint, and everything commits or rolls
 * back with the outer claim. Claiming the very key the thread's transaction holds is refused with
 * {@link IllegalStateException}. Nested claims must end before the claim they joined (the usual
 * try/finally order); otherwise the outer claim rolls back and throws {@link
 * IllegalStateException}.
 *
 * <h2>Lease mode</h2>
 *
 * <p>{@link #claim} commits at once a record {@code IN_PROGRESS} with a lease ending after {@link
 * HandlerDescriptor#lease()}; {@link Claim#complete} marks it completed with the result and the ttl
 * counted from completion; {@link Claim#release} deletes it. A delivery that finds a live lease is
 * in flight ({@link InFlightPolicy}); one that finds an expired lease takes it over. Each claim
 * carries a random token, so a delivery whose lease was taken over cannot complete or delete the
 * new owner's record: its completion fails with a clear {@link IdempotencyStoreException}.
 *
 * <h2>Time</h2>
 *
 * <p>Every timestamp comes from the store's {@link Clock} (by default the system clock, in UTC) and
 * is a bound parameter; the database's own clock is never used. Processes sharing a table need
 * synchronised clocks (NTP); a skew of seconds matters only for leases of seconds.
 */
public final class JdbcIdempotencyStore implements IdempotencyStore {

  /** The default table name. */
  public static final String DEFAULT_TABLE_NAME = Dialect.DDL_TABLE;

  /** The default bound on waiting for another transaction's row lock. */
  public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(10);

  private static final System.Logger LOG = System.getLogger(JdbcIdempotencyStore.class.getName());
  private static final String IN_PROGRESS = "IN_PROGRESS";
  private static final String COMPLETED = "COMPLETED";

  private static final Instant LATEST = Dialect.LATEST;

  private static final int MAX_ATTEMPTS = 20;

  private final DataSource dataSource;
  private final ClaimTransactions transactions;
  private final TransactionAwareDataSource transactionAware;
  private final Dialect dialect;
  private final TableName table;
  private final Clock clock;
  private final InFlightPolicy inFlightPolicy;
  private final IdempotencyListener listener;
  /** The lock timeout in milliseconds, bound where the claim statements carry it (see Dialect). */
  private final String lockTimeoutMillis;

  /**
   * The statement that sets the session's lock timeout (H2), or null where the claim statements
   * bound their own lock waits (see Dialect).
   */
  private final String sessionLockTimeout;

  /** Physical connections whose session lock timeout this store has set; held weakly. */
  private final Map<Connection, Boolean> sessionsWithLockTimeout =
      Collections.synchronizedMap(new WeakHashMap<>());

  // One binding per store: two stores over different databases have independent transactions.
  @SuppressWarnings("ThreadLocalUsage")
  private final ThreadLocal<Transaction> bound = new ThreadLocal<>();

  private final String insertClaim;
  private final String selectRecord;
  private final String takeOver;
  private final String completeLease;
  private final String storeResult;
  private final String deleteClaim;
  private final String purgeBatch;

  private JdbcIdempotencyStore(Builder builder, Dialect dialect) {
    this.dataSource = builder.dataSource;
    this.transactions = builder.transactions;
    this.dialect = dialect;
    this.table = builder.table;
    this.clock = builder.clock;
    this.inFlightPolicy = builder.inFlightPolicy;
    this.listener = builder.listener;
    // At least 1 ms: a lock timeout of 0 means "wait forever" to both databases.
    int lockTimeout = (int) Math.max(1, Math.min(Integer.MAX_VALUE, builder.lockTimeout.toMillis()));
    this.lockTimeoutMillis = Integer.toString(lockTimeout);
    this.sessionLockTimeout = dialect.sessionLockTimeout(lockTimeout);
    String t = table.qualified();
    this.insertClaim = dialect.insertClaim(t);
    this.selectRecord = dialect.selectRecord(t);
    this.takeOver = dialect.takeOver(t);
    this.completeLease = dialect.completeLease(t);
    this.storeResult = dialect.storeResult(t);
    this.deleteClaim = dialect.deleteClaim(t);
    this.purgeBatch = dialect.purgeBatch(t);
    this.transactionAware = new TransactionAwareDataSource(dataSource, this);
  }

  /** Starts configuring a store over {@code dataSource}. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * The {@link DataSource} handler code uses for its own JDBC work. On a thread that holds a
   * transactional-mode claim of this store, {@code getConnection()} returns that claim's
   * connection, so the work commits or rolls back with the record. Closing that connection does
   * nothing (the claim closes it), and {@code commit()}, {@code rollback()} and {@code
   * setAutoCommit(true)} throw {@link IllegalStateException}: the claim ends the transaction. On
   * any other thread it is the wrapped {@code DataSource}.
   */
  public DataSource dataSource() {
    return transactionAware;
  }

  /** The database this store speaks to. */
  public Dialect dialect() {
    return dialect;
  }

  /** The table, as used in SQL (schema-qualified if configured so). */
  public String tableName() {
    return table.qualified();
  }

  /**
   * Creates the table and its index unless they exist, with the DDL of {@link
   * Dialect#ddlResource()}.
   *
   * @throws IdempotencyStoreException if the DDL fails
   */
  public void createTableIfMissing() {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      try (Statement statement = connection.createStatement()) {
        for (String ddl : dialect.ddl(table)) {
          statement.execute(ddl);
        }
      }
    } catch (SQLException e) {
      throw new IdempotencyStoreException(
          "cannot create idempotency table " + table + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Claim claim(HandlerDescriptor handler, String key) {
    long start = System.nanoTime();
    Objects.requireNonNull(handler, "handler");
    String storedKey = StoredKeys.storedKey(handler, key);
    Claim claim;
    try {
      claim = claimStoredKey(handler, key, storedKey, start);
    } catch (DuplicateInProgressException e) {
      notifyClaimTimed(handler, storedKey, start);
      throw e;
    }
    notifyClaimTimed(handler, storedKey, start);
    return claim;
  }

  /** Claims {@code storedKey}; {@code start} is when the claim began, for the in-flight wait. */
  private Claim claimStoredKey(
      HandlerDescriptor handler, String key, String storedKey, long start) {
    boolean transactional = handler.mode() == IdempotentHandler.Mode.TRANSACTIONAL;
    Transaction outer = currentTransaction();
    if (transactional && outer != null) {
      return claimNested(outer, handler, key, storedKey);
    }
    int attempt = 0;
    while (true) {
      Claim claim =
          transactional
              ? claimTransactional(handler, key, storedKey)
              : claimLease(handler, key, storedKey);
      if (claim != null) {
        return claim;
      }
      if (!inFlightPolicy.pauseBeforeRetry(start, attempt++)) {
        notifyListener(l -> l.inProgress(handler, storedKey));
        throw new DuplicateInProgressException(handler, key);
      }
    }
  }

  /**
   * Deletes every completed record past its ttl, in batches of at most {@code batchSize} rows, each
   * in its own short transaction.
   *
   * @return the number of records deleted
   */
  public long purgeExpired(int batchSize) {
    return purgeExpired(batchSize, Integer.MAX_VALUE);
  }

  /**
   * Deletes completed records past their ttl, in at most {@code maxBatches} batches of at most
   * {@code batchSize} rows, each in its own short transaction; for a purge job that must stop after
   * a while.
   *
   * @return the number of records deleted
   */
  public long purgeExpired(int batchSize, int maxBatches) {
    if (batchSize < 1 || maxBatches < 1) {
      throw new IllegalArgumentException(
          "batchSize and maxBatches must be at least 1, were " + batchSize + " and " + maxBatches);
    }
    Instant now = clock.instant();
    long total = 0;
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      try (PreparedStatement delete = connection.prepareStatement(purgeBatch)) {
        for (int batch = 0; batch < maxBatches; batch++) {
          delete.setString(1, COMPLETED);
          delete.setObject(2, timestamp(now));
          delete.setInt(3, batchSize);
          int deleted = delete.executeUpdate();
          total += deleted;
          if (deleted < batchSize) {
            break;
          }
        }
      }
    } catch (SQLException e) {
      long partial = total;
      notifyListener(l -> l.purged(partial));
      throw new IdempotencyStoreException(
          "purging expired records from "
              + table
              + " failed after "
              + total
              + " rows: "
              + e.getMessage(),
          e);
    }
    long count = total;
    notifyListener(l -> l.purged(count));
    return count;
  }

  // ---------------------------------------------------------------------------------------------
  // Claiming

  /** Returns the acquired or duplicate claim, or null if the key is in flight. */
  private Claim claimTransactional(HandlerDescriptor handler, String key, String storedKey) {
    ClaimTransaction handle = begin(handler, key);
    if (handle.joined()) {
      return claimJoined(handle, handler, key, storedKey);
    }
    Connection connection = handle.connection();
    boolean handedOver = false;
    try {
      boundLockWaits(connection);
      String token = newClaimToken();
      Instant now = clock.instant();
      Attempt attempt =
          tryClaim(
              connection,
              handler,
              storedKey,
              COMPLETED,
              token,
              plus(now, handler.ttl()),
              now,
              null,
              connection::rollback);
      switch (attempt.outcome) {
        case ACQUIRED, TAKEN_OVER -> {
          Transaction transaction = new Transaction(handle);
          TransactionalClaim claim =
              new TransactionalClaim(transaction, handler, storedKey, token, null, true);
          transaction.claims.push(claim);
          bound.set(transaction);
          handedOver = true;
          notifyAcquired(attempt.outcome, handler, storedKey);
          return claim;
        }
        case DUPLICATE -> {
          notifyListener(l -> l.duplicate(handler, storedKey));
          return Claim.duplicate(attempt.result);
        }
        default -> {
          return null;
        }
      }
    } catch (SQLException e) {
      throw failure("claim", handler, key, e);
    } finally {
      if (!handedOver) {
        end(handle, false);
      }
    }
  }

  /**
   * Claims in a transaction that the application began (see {@link ClaimTransaction#joined()}):
   * like a nested claim, under a savepoint, so that a duplicate or a claim in flight leaves the
   * application's transaction as it was. It does not wait for a claim in flight beyond the lock
   * timeout, since waiting would hold the application's transaction open.
   */
  private Claim claimJoined(
      ClaimTransaction handle, HandlerDescriptor handler, String key, String storedKey) {
    Transaction transaction = new Transaction(handle);
    boolean handedOver = false;
    boolean undone = false;
    try {
      try {
        boundLockWaits(handle.connection());
      } catch (SQLException e) {
        throw failure("claim", handler, key, e);
      }
      Claim claim = claimNested(transaction, handler, key, storedKey);
      if (claim.isDuplicate()) {
        undone = true;
      } else {
        bound.set(transaction);
        handedOver = true;
      }
      return claim;
    } catch (DuplicateInProgressException e) {
      undone = !transaction.rollbackOnly;
      throw e;
    } finally {
      if (!handedOver) {
        // Nothing of the claim is left in the application's transaction unless a statement failed.
        end(handle, undone);
      }
    }
  }

  private Claim claimNested(
      Transaction transaction, HandlerDescriptor handler, String key, String storedKey) {
    Connection connection = transaction.connection;
    try {
      Savepoint savepoint = connection.setSavepoint();
      String token = newClaimToken();
      Instant now = clock.instant();
      Attempt attempt;
      try {
        attempt =
            tryClaim(
                connection,
                handler,
                storedKey,
                COMPLETED,
                token,
                plus(now, handler.ttl()),
                now,
                transaction,
                () -> connection.rollback(savepoint));
      } catch (SQLException | RuntimeException e) {
        rollbackToQuietly(connection, savepoint);
        throw e;
      }
      switch (attempt.outcome) {
        case ACQUIRED, TAKEN_OVER -> {
          TransactionalClaim claim =
              new TransactionalClaim(
                  transaction, handler, storedKey, token, savepoint, transaction.claims.isEmpty());
          transaction.claims.push(claim);
          notifyAcquired(attempt.outcome, handler, storedKey);
          return claim;
        }
        case DUPLICATE -> {
          connection.rollback(savepoint);
          notifyListener(l -> l.duplicate(handler, storedKey));
          return Claim.duplicate(attempt.result);
        }
        default -> {
          // Waiting here would hold the outer transaction open; the caller retries the message.
          connection.rollback(savepoint);
          notifyListener(l -> l.inProgress(handler, storedKey));
          throw new DuplicateInProgressException(handler, key);
        }
      }
    } catch (SQLException e) {
      transaction.rollbackOnly = true;
      throw failure(
          transaction.claims.isEmpty()
              ? "claim (in the application's transaction)"
              : "claim (nested in the thread's transaction)",
          handler,
          key,
          e);
    }
  }

  /** Returns the acquired or duplicate claim, or null if the key is in flight. */
  private Claim claimLease(HandlerDescriptor handler, String key, String storedKey) {
    try (Connection connection = open(handler, key)) {
      boundLockWaits(connection);
      connection.setAutoCommit(true);
      String token = newClaimToken();
      Instant now = clock.instant();
      Attempt attempt =
          tryClaim(
              connection,
              handler,
              storedKey,
              IN_PROGRESS,
              token,
              plus(now, handler.lease()),
              now,
              null,
              () -> {}); // in auto-commit, each statement's bound ends with it
      switch (attempt.outcome) {
        case ACQUIRED, TAKEN_OVER -> {
          notifyAcquired(attempt.outcome, handler, storedKey);
          return new LeaseClaim(handler, storedKey, token);
        }
        case DUPLICATE -> {
          notifyListener(l -> l.duplicate(handler, storedKey));
          return Claim.duplicate(attempt.result);
        }
        default -> {
          return null;
        }
      }
    } catch (SQLException e) {
      throw failure("claim", handler, key, e);
    }
  }

  /**
   * Undoes what a claim's statements did in its transaction: there, only the lock-wait bound that
   * a claim statement which wrote nothing leaves in force (see {@link Dialect#sessionLockTimeout}).
   */
  @FunctionalInterface
  private interface ClaimUndo {
    void run() throws SQLException;
  }

  /**
   * Inserts the claim row, or reads the existing one and takes it over if it expired. Loops when
   * the row changes under it (purged, or taken over by another delivery). Where claim statements
   * bound their own lock waits, one that wrote nothing leaves its bound in force, and {@code undo}
   * runs before the next one (rare: a take-over, or a row that changed), which would otherwise put
   * the bound back in place of the connection's own value.
   */
  private Attempt tryClaim(
      Connection connection,
      HandlerDescriptor handler,
      String storedKey,
      String status,
      String token,
      Instant expiresAt,
      Instant now,
      Transaction joined,
      ClaimUndo undo)
      throws SQLException {
    boolean boundInForce = false;
    for (int i = 0; i < MAX_ATTEMPTS; i++) {
      try {
        if (boundInForce) {
          undo.run();
        }
        if (insert(connection, handler, storedKey, status, token, expiresAt, now)) {
          return new Attempt(Outcome.ACQUIRED, null);
        }
        boundInForce = sessionLockTimeout == null;
        Attempt existing = read(connection, handler, storedKey, now, joined);
        if (existing != null) {
          return existing;
        }
        if (boundInForce) {
          undo.run();
        }
        if (takeOver(connection, handler, storedKey, status, token, expiresAt, now)) {
          return new Attempt(Outcome.TAKEN_OVER, null);
        }
      } catch (SQLException e) {
        if (Dialect.isLockTimeout(e)) {
          return new Attempt(Outcome.IN_PROGRESS, null);
        }
        if (joined == null && Dialect.isDeadlock(e)) {
          // The database rolled back the claim's own transaction (MySQL: two claims of one key
          // held a shared lock on its row and both wanted to write it). It held nothing but this
          // claim's statements, so claim again from the start, as a waiting delivery would.
          boundInForce = false;
          continue;
        }
        throw e;
      }
    }
    throw new IdempotencyStoreException(
        "record of handler "
            + handler.name()
            + " for key '"
            + abbreviate(storedKey)
            + "' in "
            + table
            + " kept changing during "
            + MAX_ATTEMPTS
            + " claim attempts; deliver the message again");
  }

  private boolean insert(
      Connection connection,
      HandlerDescriptor handler,
      String storedKey,
      String status,
      String token,
      Instant expiresAt,
      Instant now)
      throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(insertClaim)) {
      int first = bindLockTimeout(insert);
      insert.setString(first, handler.name());
      insert.setString(first + 1, storedKey);
      insert.setString(first + 2, status);
      insert.setString(first + 3, token);
      insert.setObject(first + 4, timestamp(expiresAt));
      insert.setObject(first + 5, timestamp(now));
      return executeWithLockTimeout(insert) == 1;
    } catch (SQLException e) {
      if (dialect.insertRaisesDuplicateKey() && Dialect.isDuplicateKey(e)) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Reads the record: a live one decides the claim (null when the row is gone or expired). A row
   * that the thread's own transaction holds is a re-entrant claim, refused.
   */
  private Attempt read(
      Connection connection,
      HandlerDescriptor handler,
      String storedKey,
      Instant now,
      Transaction joined)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(selectRecord)) {
      select.setString(1, handler.name());
      select.setString(2, storedKey);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? decide(row, handler, storedKey, now, joined) : null;
      }
    }
  }

  /**
   * What the record in {@code row} (status, result, claim_token, expires_at) decides: a duplicate
   * or a claim in progress if it is live, null if it has expired. A row that the thread's own
   * transaction holds is a re-entrant claim, refused. A live record with a status the store never
   * writes is refused here, in place of a CHECK constraint, which PostgreSQL would build again for
   * every insert; an expired one is taken over like any other.
   */
  private Attempt decide(
      ResultSet row,
      HandlerDescriptor handler,
      String storedKey,
      Instant now,
      Transaction joined)
      throws SQLException {
    String status = row.getString(1);
    byte[] result = row.getBytes(2);
    String token = row.getString(3);
    Instant expiresAt = dialect.instant(row, 4);
    if (joined != null && joined.holds(token)) {
      throw new IllegalStateException(
          "handler "
              + handler.name()
              + " claimed key '"
              + abbreviate(storedKey)
              + "' again on a thread whose transaction already holds that claim; a handler"
              + " must not process the same message re-entrantly");
    }
    if (!expiresAt.isAfter(now)) {
      return null;
    }
    if (COMPLETED.equals(status)) {
      return new Attempt(Outcome.DUPLICATE, result);
    }
    if (IN_PROGRESS.equals(status)) {
      return new Attempt(Outcome.IN_PROGRESS, null);
    }
    throw new IdempotencyStoreException(
        "record of handler "
            + handler.name()
            + " (key path "
            + handler.keyPath()
            + ") for key '"
            + abbreviate(storedKey)
            + "' in "
            + table
            + " has status '"
            + status
            + "', which the store never writes (it writes "
            + IN_PROGRESS
            + " and "
            + COMPLETED
            + "). Correct or delete that row; until then the key's messages are not processed.");
  }

  private boolean takeOver(
      Connection connection,
      HandlerDescriptor handler,
      String storedKey,
      String status,
      String token,
      Instant expiresAt,
      Instant now)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(takeOver)) {
      int first = bindLockTimeout(update);
      update.setString(first, status);
      update.setString(first + 1, token);
      update.setObject(first + 2, timestamp(expiresAt));
      update.setObject(first + 3, timestamp(now));
      update.setString(first + 4, handler.name());
      update.setString(first + 5, storedKey);
      update.setObject(first + 6, timestamp(now));
      return executeWithLockTimeout(update) == 1;
    }
  }

  /**
   * Binds the lock timeout where the claim statement bounds its own lock waits (PostgreSQL), and
   * returns the index of the statement's first parameter after it.
   */
  private int bindLockTimeout(PreparedStatement statement) throws SQLException {
    if (sessionLockTimeout != null) {
      return 1;
    }
    statement.setString(1, lockTimeoutMillis);
    return 2;
  }

  /**
   * Runs a claim statement that may wait for another transaction's row lock, for at most the lock
   * timeout, and returns the number of rows it wrote. The statement bounds its own wait and returns
   * a row per row written (PostgreSQL), or the session's lock timeout, which {@link
   * #boundLockWaits} has set, bounds it (H2).
   */
  private int executeWithLockTimeout(PreparedStatement statement) throws SQLException {
    if (sessionLockTimeout != null) {
      return statement.executeUpdate();
    }
    int written = 0;
    try (ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        written++;
      }
    }
    return written;
  }

  /**
   * Where lock waits are bounded per session (H2), sets the lock timeout on {@code connection}'s
   * session, once per physical connection.
   */
  private void boundLockWaits(Connection connection) throws SQLException {
    if (sessionLockTimeout == null) {
      return;
    }
    Connection physical = physical(connection);
    if (sessionsWithLockTimeout.containsKey(physical)) {
      return;
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute(sessionLockTimeout);
    }
    sessionsWithLockTimeout.put(physical, Boolean.TRUE);
  }

  /** The driver's connection behind a pool's handle, which outlives the handle. */
  private static Connection physical(Connection connection) {
    try {
      return connection.unwrap(Connection.class);
    } catch (SQLException | RuntimeException e) {
      return connection;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The thread's transaction

  /** The transactional claim's transaction bound to this thread, or null. */
  Transaction currentTransaction() {
    Transaction transaction = bound.get();
    if (transaction != null && transaction.finished) {
      bound.remove();
      return null;
    }
    return transaction;
  }

  /** A transactional claim's connection, shared by its nested claims. */
  static final class Transaction {
    final ClaimTransaction handle;
    final Connection connection;
    final Deque<TransactionalClaim> claims = new ArrayDeque<>();
    volatile boolean finished;
    boolean rollbackOnly;

    Transaction(ClaimTransaction handle) {
      this.handle = handle;
      this.connection = handle.connection();
    }

    boolean holds(String token) {
      for (TransactionalClaim claim : claims) {
        if (claim.token.equals(token)) {
          return true;
        }
      }
      return false;
    }

    String describe() {
      TransactionalClaim outermost = claims.peekLast();
      return outermost == null
          ? "an ended claim"
          : "the claim of handler " + outermost.handler.name();
    }
  }

  private final class TransactionalClaim extends Claim {
    private final Transaction transaction;
    private final HandlerDescriptor handler;
    private final String storedKey;
    private final String token;

    /**
     * Where a nested claim's work starts, and a claim in the application's transaction's; null for
     * an outermost claim that began its transaction.
     */
    private final Savepoint savepoint;

    /** True for the first claim of the transaction, which ends the store's use of it. */
    private final boolean outermost;

    TransactionalClaim(
        Transaction transaction,
        HandlerDescriptor handler,
        String storedKey,
        String token,
        Savepoint savepoint,
        boolean outermost) {
      this.transaction = transaction;
      this.handler = handler;
      this.storedKey = storedKey;
      this.token = token;
      this.savepoint = savepoint;
      this.outermost = outermost;
    }

    @Override
    protected void recordCompletion(byte[] encodedResult) {
      checkOpen("complete()");
      if (transaction.claims.peek() != this) {
        abandon();
        throw new IllegalStateException(
            "claim of handler "
                + handler.name()
                + " completed while a nested claim on its transaction was still open; the"
                + " transaction was rolled back and nothing was recorded. Complete or release"
                + " nested claims first");
      }
      Connection connection = transaction.connection;
      try {
        Dialect.TransactionHealth health = dialect.transactionHealth(connection);
        if (health == Dialect.TransactionHealth.ABORTED) {
          throw new SQLException(
              "a statement of the handler failed and aborted its transaction, so the database"
                  + " would roll it back on commit");
        }
        if (encodedResult != null || health == Dialect.TransactionHealth.UNKNOWN) {
          try (PreparedStatement update = connection.prepareStatement(storeResult)) {
            update.setBytes(1, encodedResult);
            update.setString(2, handler.name());
            update.setString(3, storedKey);
            update.setString(4, token);
            if (update.executeUpdate() != 1) {
              throw new SQLException(
                  "the claim row vanished from " + table + " inside its own transaction");
            }
          }
        }
        if (!outermost) {
          transaction.claims.pop();
          notifyListener(l -> l.completed(handler, storedKey));
          return;
        }
        if (transaction.rollbackOnly) {
          throw new SQLException("a nested claim's database error left the transaction unusable");
        }
        transaction.handle.commit();
      } catch (SQLException | RuntimeException e) {
        transaction.rollbackOnly = true;
        if (!outermost) {
          transaction.claims.pop();
          throw completionNotRecorded(
              handler, storedKey, e, "; the enclosing claim's transaction will roll back");
        }
        finish(false);
        if (transaction.handle.joined()) {
          throw completionNotRecorded(
              handler,
              storedKey,
              e,
              ". The transaction it joined was marked rollback-only, so neither the handler's"
                  + " work nor the record commits; do not acknowledge the message");
        }
        throw new IdempotencyStoreException(
            "cannot commit the transaction of handler "
                + handler.name()
                + " (key '"
                + abbreviate(storedKey)
                + "') with its record in "
                + table
                + ": "
                + e.getMessage()
                + ". The handler's work and the record commit together or not at all, so do not"
                + " acknowledge the message: its next delivery replays the result if the commit"
                + " went through, or runs the handler again if it did not",
            e);
      }
      finish(true);
      // For a joined transaction, completed means committed: its owner's commit, still to come.
      transaction.handle.afterCommit(() -> notifyListener(l -> l.completed(handler, storedKey)));
    }

    @Override
    protected void discard(Throwable failure) {
      checkOpen("release()");
      if (transaction.claims.peek() != this) {
        abandon();
        notifyListener(l -> l.released(handler, storedKey, failure));
        return;
      }
      if (!outermost) {
        transaction.claims.pop();
        try {
          transaction.connection.rollback(savepoint);
          transaction.handle.nestedClaimReleased();
        } catch (SQLException e) {
          transaction.rollbackOnly = true;
          throw new IdempotencyStoreException(
              "cannot roll back the nested claim of handler "
                  + handler.name()
                  + " in "
                  + table
                  + "; the enclosing claim's transaction will roll back",
              e);
        } finally {
          notifyListener(l -> l.released(handler, storedKey, failure));
        }
        return;
      }
      try {
        finish(false);
      } finally {
        notifyListener(l -> l.released(handler, storedKey, failure));
      }
    }

    private void checkOpen(String call) {
      if (transaction.finished) {
        throw new IllegalStateException(
            call
                + " of the nested claim of handler "
                + handler.name()
                + " came after the transaction it joined ended; nothing more can be recorded in"
                + " it");
      }
    }

    /** Ends the whole transaction, rolling back, because the claims ended out of order. */
    private void abandon() {
      finish(false);
    }

    /**
     * Ends the store's use of the transaction: after its commit (already done), or rolling it back
     * (marking it rollback-only if it was joined); gives the connection back and unbinds the thread.
     */
    private void finish(boolean committed) {
      transaction.finished = true;
      transaction.claims.clear();
      if (bound.get() == transaction) {
        bound.remove();
      }
      end(transaction.handle, committed);
    }
  }

  private final class LeaseClaim extends Claim {
    private final HandlerDescriptor handler;
    private final String storedKey;
    private final String token;

    LeaseClaim(HandlerDescriptor handler, String storedKey, String token) {
      this.handler = handler;
      this.storedKey = storedKey;
      this.token = token;
    }

    @Override
    protected void recordCompletion(byte[] encodedResult) {
      int updated;
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(true);
        try (PreparedStatement update = connection.prepareStatement(completeLease)) {
          update.setString(1, COMPLETED);
          update.setBytes(2, encodedResult);
          update.setObject(3, timestamp(plus(clock.instant(), handler.ttl())));
          update.setString(4, handler.name());
          update.setString(5, storedKey);
          update.setString(6, token);
          updated = update.executeUpdate();
        }
      } catch (SQLException e) {
        throw completionNotRecorded(
            handler,
            storedKey,
            e,
            ". The handler's effects happened but are not recorded; its lease expires after "
                + handler.lease()
                + " and the next delivery then runs it again");
      }
      if (updated != 1) {
        throw new IdempotencyStoreException(
            "lease of handler "
                + handler.name()
                + " on key '"
                + abbreviate(storedKey)
                + "' in "
                + table
                + " was lost: it expired after "
                + handler.lease()
                + " and another delivery took the key over, so this completion was not recorded"
                + " and the handler's effects may have happened twice. Choose a lease longer than"
                + " the handler's slowest run");
      }
      notifyListener(l -> l.completed(handler, storedKey));
    }

    @Override
    protected void discard(Throwable failure) {
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(true);
        try (PreparedStatement delete = connection.prepareStatement(deleteClaim)) {
          delete.setString(1, handler.name());
          delete.setString(2, storedKey);
          delete.setString(3, token);
          delete.executeUpdate();
        }
      } catch (SQLException e) {
        throw new IdempotencyStoreException(
            "cannot release the lease of handler "
                + handler.name()
                + " (key '"
                + abbreviate(storedKey)
                + "') in "
                + table
                + ": "
                + e.getMessage()
                + "; the next delivery runs the handler once the lease expires after "
                + handler.lease(),
            e);
      } finally {
        notifyListener(l -> l.released(handler, storedKey, failure));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private enum Outcome {
    ACQUIRED,
    TAKEN_OVER,
    DUPLICATE,
    IN_PROGRESS
  }

  private static final class Attempt {
    final Outcome outcome;
    final byte[] result;

    Attempt(Outcome outcome, byte[] result) {
      this.outcome = outcome;
      this.result = result;
    }
  }

  private Connection open(HandlerDescriptor handler, String key) {
    try {
      return dataSource.getConnection();
    } catch (SQLException e) {
      throw failure("claim", handler, key, e);
    }
  }

  private ClaimTransaction begin(HandlerDescriptor handler, String key) {
    try {
      return transactions.begin(dataSource);
    } catch (SQLException e) {
      throw failure("claim", handler, key, e);
    }
  }

  private IdempotencyStoreException failure(
      String what, HandlerDescriptor handler, String key, SQLException e) {
    String hint =
        Dialect.isMissingTable(e)
            ? " The table does not exist: call JdbcIdempotencyStore.createTableIfMissing() or run "
                + dialect.ddlResource()
                + " in a migration."
            : "";
    return new IdempotencyStoreException(
        what
            + " of key '"
            + abbreviate(key)
            + "' for handler "
            + handler.name()
            + " (key path "
            + handler.keyPath()
            + ") failed in "
            + table
            + ": "
            + e.getMessage()
            + "."
            + hint
            + " Nothing was recorded; deliver the message again.",
        e);
  }

  private IdempotencyStoreException completionNotRecorded(
      HandlerDescriptor handler, String storedKey, Exception e, String consequence) {
    return new IdempotencyStoreException(
        "cannot record completion of handler "
            + handler.name()
            + " (key '"
            + abbreviate(storedKey)
            + "') in "
            + table
            + ": "
            + e.getMessage()
            + consequence,
        e);
  }

  private void notifyAcquired(Outcome outcome, HandlerDescriptor handler, String storedKey) {
    if (outcome == Outcome.TAKEN_OVER) {
      notifyListener(l -> l.expired(handler, storedKey));
    } else {
      notifyListener(l -> l.claimed(handler, storedKey));
    }
  }

  private void notifyClaimTimed(HandlerDescriptor handler, String storedKey, long start) {
    if (listener == IdempotencyListener.NONE) {
      return; // no one to tell: no Duration and no event per claim
    }
    Duration duration = Duration.ofNanos(System.nanoTime() - start);
    notifyListener(l -> l.claimTimed(handler, storedKey, duration));
  }

  private void notifyListener(Consumer<IdempotencyListener> event) {
    try {
      event.accept(listener);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "IdempotencyListener " + listener.getClass().getName() + " threw", e);
    }
  }

  private Object timestamp(Instant instant) {
    return dialect.timestamp(instant);
  }

  private static Instant plus(Instant instant, Duration duration) {
    try {
      Instant sum = instant.plus(duration);
      return sum.isAfter(LATEST) ? LATEST : sum;
    } catch (DateTimeException | ArithmeticException e) {
      return LATEST;
    }
  }

  /**
   * A token that tells this claim's row from a later owner's. It must be unique, not secret, so it
   * comes from {@link ThreadLocalRandom} rather than {@link UUID#randomUUID()}, whose shared {@code
   * SecureRandom} is a point of contention for concurrent consumers.
   */
  private static String newClaimToken() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  /**
   * Gives a claim's transaction back: as it is if {@code committed} (or if nothing of the claim is
   * left in it), else rolled back, or marked rollback-only if it was joined.
   */
  private static void end(ClaimTransaction handle, boolean committed) {
    try {
      if (!committed) {
        handle.rollback();
      }
    } catch (SQLException | RuntimeException e) {
      LOG.log(Level.DEBUG, "rollback failed; giving the connection back ends the transaction", e);
    } finally {
      handle.close();
    }
  }

  private static void rollbackToQuietly(Connection connection, Savepoint savepoint) {
    try {
      connection.rollback(savepoint);
    } catch (SQLException e) {
      LOG.log(Level.DEBUG, "rollback to savepoint failed", e);
    }
  }

  private static String abbreviate(String key) {
    if (key == null) {
      return "null";
    }
    return key.length() <= 80 ? key : key.substring(0, 77) + "...";
  }

  /** Configures a {@link JdbcIdempotencyStore}. */
  public static final class Builder {
    private final DataSource dataSource;
    private TableName table = TableName.of(DEFAULT_TABLE_NAME);
    private Dialect dialect;
    private Clock clock = Clock.systemUTC();
    private InFlightPolicy inFlightPolicy = InFlightPolicy.fail();
    private IdempotencyListener listener = IdempotencyListener.NONE;
    private Duration lockTimeout = DEFAULT_LOCK_TIMEOUT;
    private ClaimTransactions transactions = ClaimTransactions.LOCAL;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * The table, {@code table} or {@code schema.table}: letters, digits and underscores, starting
     * with a letter or underscore, at most 48 characters per part. Default {@value
     * JdbcIdempotencyStore#DEFAULT_TABLE_NAME}.
     *
     * @throws IllegalArgumentException if {@code tableName} is not such a name
     */
    public Builder tableName(String tableName) {
      this.table = TableName.of(tableName);
      return this;
    }

    /** The database, instead of asking the {@code DataSource} at {@link #build()}. */
    public Builder dialect(Dialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /** The clock for every timestamp the store writes or compares. Default: system UTC. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** What a delivery does when its key is claimed by a running delivery. */
    public Builder inFlightPolicy(InFlightPolicy inFlightPolicy) {
      this.inFlightPolicy = Objects.requireNonNull(inFlightPolicy, "inFlightPolicy");
      return this;
    }

    /**
     * Where transactional-mode claims get their transaction. Default {@link
     * ClaimTransactions#LOCAL}: a connection of the claim's own from the {@code DataSource}. A
     * framework integration (the Spring Boot starter) passes its transaction manager's, so that
     * claims join the application's transactions.
     */
    public Builder transactions(ClaimTransactions transactions) {
      this.transactions = Objects.requireNonNull(transactions, "transactions");
      return this;
    }

    /** Observes claims, duplicates and completions. */
    public Builder listener(IdempotencyListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * How long one claim statement waits for a row lock held by another transaction (a concurrent
     * transactional-mode delivery of the same key) before the key counts as in flight. Default 10
     * seconds.
     *
     * <p>On PostgreSQL each claim statement sets {@code lock_timeout} to it, in milliseconds, for
     * its own wait, and puts the connection's previous {@code lock_timeout} back before the
     * handler runs, so the handler's statements wait as the connection was set up to. On H2, where
     * the lock timeout is only a session setting, the store sets the session's {@code
     * LOCK_TIMEOUT} to it, once per connection; it then bounds every lock wait on that connection,
     * the handler's own too (it never cancels a statement that is not waiting).
     */
    public Builder lockTimeout(Duration lockTimeout) {
      Objects.requireNonNull(lockTimeout, "lockTimeout");
      if (lockTimeout.isNegative() || lockTimeout.isZero()) {
        throw new IllegalArgumentException("lockTimeout must be positive, was " + lockTimeout);
      }
      this.lockTimeout = lockTimeout;
      return this;
    }

    /**
     * Builds the store. Without {@link #dialect(Dialect)}, opens one connection to read the
     * database's product name.
     *
     * @throws IllegalArgumentException if the database is neither H2 nor PostgreSQL
     * @throws IdempotencyStoreException if the database cannot be reached
     */
    public JdbcIdempotencyStore build() {
      Dialect detected = dialect;
      if (detected == null) {
        try (Connection connection = dataSource.getConnection()) {
          DatabaseMetaData metaData = connection.getMetaData();
          detected = Dialect.forProductName(metaData.getDatabaseProductName());
        } catch (SQLException e) {
          throw new IdempotencyStoreException(
              "cannot connect to detect the database of the idempotency store (table "
                  + table
                  + "): "
                  + e.getMessage(),
              e);
        }
      }
      return new JdbcIdempotencyStore(this, detected);
    }
  }
}
