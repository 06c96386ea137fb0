package io.idempo.runtime.jdbc;

import io.idempo.IdempotentHandler;
import io.idempo.runtime.BatchClaim;
import io.idempo.runtime.Claim;
import io.idempo.runtime.DuplicateInProgressException;
import io.idempo.runtime.HandlerDescriptor;
import io.idempo.runtime.IdempotencyKeyReuseException;
import io.idempo.runtime.IdempotencyListener;
import io.idempo.runtime.IdempotencyStore;
import io.idempo.runtime.IdempotencyStoreException;
import io.idempo.runtime.InFlightPolicy;
import io.idempo.runtime.PayloadFingerprint;
import io.idempo.runtime.StoreEvents;
import io.idempo.runtime.StoredKeys;
import io.idempo.runtime.jdbc.ClaimStatements.Attempt;
import io.idempo.runtime.jdbc.ClaimStatements.Outcome;
import io.idempo.runtime.jdbc.ClaimTransactions.ClaimTransaction;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
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

  private final DataSource dataSource;
  private final ClaimTransactions transactions;
  private final TransactionAwareDataSource transactionAware;
  private final Dialect dialect;
  private final TableName table;
  private final Clock clock;
  private final InFlightPolicy inFlightPolicy;
  private final StoreEvents events;
  private final TransactionBinding binding = new TransactionBinding();
  private final ClaimStatements statements;
  private final ClaimFailures failures;
  private final ClaimContext context;
  /** Null where the dialect has no batch claim statements: batches are claimed key by key. */
  private final JdbcBatchClaims batchClaims;

  /** How often a key-by-key batch in its own transaction starts again after a deadlock. */
  private static final int KEY_BY_KEY_BATCH_ATTEMPTS = 10;

  private JdbcIdempotencyStore(Builder builder, Dialect dialect) {
    this.dataSource = builder.dataSource;
    this.transactions = builder.transactions;
    this.dialect = dialect;
    this.table = builder.table;
    this.clock = builder.clock;
    this.inFlightPolicy = builder.inFlightPolicy;
    this.events = new StoreEvents(builder.listener);
    this.failures = new ClaimFailures(table, dialect);
    this.statements = new ClaimStatements(dialect, table, builder.lockTimeout, failures);
    this.context = new ClaimContext(dataSource, statements, failures, events, binding, clock);
    this.transactionAware = new TransactionAwareDataSource(dataSource, binding);
    BatchClaimStatements batchStatements =
        BatchClaimStatements.of(dialect, table.qualified(), builder.lockTimeout);
    this.batchClaims =
        batchStatements == null
            ? null
            : new JdbcBatchClaims(context, batchStatements, transactions, inFlightPolicy);
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
   * Dialect#ddlResource()}, and adds the {@code fingerprint} column to a table created before the
   * store kept payload fingerprints (the {@code ALTER TABLE} statement docs/runtime.md lists).
   *
   * @throws IdempotencyStoreException if the DDL fails
   */
  public void createTableIfMissing() {
    try (Connection connection = dataSource.getConnection()) {
      dialect.createIfMissing(connection, dialect.ddl(table));
      if (!statements.hasFingerprintColumn(connection)) {
        addFingerprintColumn(connection);
      }
    } catch (SQLException e) {
      throw new IdempotencyStoreException(
          "cannot create idempotency table " + table + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Claim claim(HandlerDescriptor handler, String key) {
    return claim(handler, key, null);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The fingerprint is kept in the row's {@code fingerprint} column, written by the claim's
   * insert or take-over and compared on the duplicate path, in both modes. A claim without a
   * fingerprint does not name the column (except to clear it when it takes over an expired
   * record), so a table created before the column existed keeps working for handlers without a
   * fingerprint; a claim with one in such a table fails with an {@link IdempotencyStoreException}
   * that names the {@code ALTER TABLE} statement which adds the column.
   */
  @Override
  public Claim claim(HandlerDescriptor handler, String key, PayloadFingerprint fingerprint) {
    long start = System.nanoTime();
    Objects.requireNonNull(handler, "handler");
    String storedKey = StoredKeys.storedKey(handler, key);
    Claim claim;
    try {
      claim = claimStoredKey(handler, key, storedKey, fingerprint, start);
    } catch (DuplicateInProgressException | IdempotencyKeyReuseException e) {
      events.claimTimed(handler, storedKey, start);
      throw e;
    }
    events.claimTimed(handler, storedKey, start);
    return claim;
  }

  /** Claims {@code storedKey}; {@code start} is when the claim began, for the in-flight wait. */
  private Claim claimStoredKey(
      HandlerDescriptor handler,
      String key,
      String storedKey,
      PayloadFingerprint fingerprint,
      long start) {
    BoundTransaction outer = binding.current();
    if (handler.mode() == IdempotentHandler.Mode.TRANSACTIONAL) {
      if (outer != null) {
        return claimNested(outer, handler, key, storedKey, fingerprint);
      }
      Claim claim = claimTransactional(handler, key, storedKey, fingerprint);
      return claim != null
          ? claim
          : inFlightPolicy.retryInFlight(
              handler, key, storedKey, start, events,
              () -> claimTransactional(handler, key, storedKey, fingerprint));
    }
    Claim claim = claimLease(handler, key, storedKey, fingerprint);
    return claim != null
        ? claim
        : inFlightPolicy.retryInFlight(
            handler,
            key,
            storedKey,
            start,
            events,
            () -> claimLease(handler, key, storedKey, fingerprint));
  }

  /**
   * Claims a batch's keys with one insert for the whole batch, in the keys' order (on H2 one more
   * statement reads the records of the keys it did not insert). In transactional mode the claims
   * join one transaction, bound to the thread like a single claim's, that the batch's {@link
   * BatchClaim#complete} commits once; in lease mode they commit at once as leases. See {@code
   * docs/runtime.md}, "Batch claims".
   */
  @Override
  public BatchClaim claimBatch(HandlerDescriptor handler, List<String> keys) {
    if (batchClaims == null) {
      return claimBatchKeyByKey(handler, keys);
    }
    return batchClaims.claim(handler, keys);
  }

  /**
   * MySQL and MariaDB, which have no batch claim statements: one claim per distinct key, in the
   * keys' order, nested in the first one's transaction, so the batch still commits once. InnoDB's
   * gap locks can deadlock two such batches even in that order; the database then rolls the
   * batch's transaction back whole, so a batch that began its own transaction starts again, as a
   * single claim in its own transaction does. Inside a transaction it did not begin, the deadlock
   * propagates.
   */
  private BatchClaim claimBatchKeyByKey(HandlerDescriptor handler, List<String> keys) {
    boolean ownTransaction =
        binding.current() == null && transactions == ClaimTransactions.LOCAL;
    for (int attempt = 1; ; attempt++) {
      try {
        return IdempotencyStore.super.claimBatch(handler, keys);
      } catch (IdempotencyStoreException e) {
        if (!ownTransaction || attempt >= KEY_BY_KEY_BATCH_ATTEMPTS || !isDeadlock(e)) {
          throw e;
        }
      }
    }
  }

  private boolean isDeadlock(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql && dialect.isDeadlock(sql)) {
        return true;
      }
    }
    return false;
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
      try (PreparedStatement delete = statements.preparePurge(connection)) {
        for (int batch = 0; batch < maxBatches; batch++) {
          int deleted = statements.purgeBatch(delete, now, batchSize);
          total += deleted;
          if (deleted < batchSize) {
            break;
          }
        }
      }
    } catch (SQLException e) {
      events.purged(total);
      throw new IdempotencyStoreException(
          "purging expired records from "
              + table
              + " failed after "
              + total
              + " rows: "
              + e.getMessage(),
          e);
    }
    events.purged(total);
    return total;
  }

  /**
   * Adds the fingerprint column in auto-commit; another process adding it at the same time is no
   * error.
   */
  private void addFingerprintColumn(Connection connection) throws SQLException {
    try (Statement alter = connection.createStatement()) {
      alter.execute(dialect.addFingerprintColumn(table));
    } catch (SQLException e) {
      if (!statements.hasFingerprintColumn(connection)) {
        throw e;
      }
    }
    statements.knowFingerprintColumn();
  }

  // ---------------------------------------------------------------------------------------------
  // Claiming

  /** Returns the acquired or duplicate claim, or null if the key is in flight. */
  private Claim claimTransactional(
      HandlerDescriptor handler, String key, String storedKey, PayloadFingerprint fingerprint) {
    ClaimTransaction handle = begin(handler, key);
    if (handle.joined()) {
      return claimJoined(handle, handler, key, storedKey, fingerprint);
    }
    Connection connection = handle.connection();
    boolean handedOver = false;
    try {
      String token = newClaimToken();
      Instant now = clock.instant();
      Attempt attempt =
          statements.attempt(
              connection,
              handler,
              storedKey,
              ClaimStatements.COMPLETED,
              token,
              ClaimStatements.plus(now, handler.ttl()),
              now,
              fingerprint,
              null,
              connection::rollback);
      switch (attempt.outcome) {
        case ACQUIRED, TAKEN_OVER -> {
          BoundTransaction transaction = new BoundTransaction(handle);
          TransactionalClaim claim =
              new TransactionalClaim(context, transaction, handler, storedKey, token, null, true);
          transaction.claims.push(claim);
          binding.bind(transaction);
          handedOver = true;
          notifyAcquired(attempt.outcome, handler, storedKey);
          return claim;
        }
        case DUPLICATE -> {
          if (dialect.commitsUnwrittenTransactions()) {
            handedOver = true; // to no claim: it ends here
            BoundTransaction.endUnwritten(handle);
          }
          events.duplicate(handler, storedKey);
          return Claim.duplicate(attempt.result);
        }
        case KEY_REUSED -> {
          // The claim wrote nothing: its transaction ends as a duplicate's does.
          if (dialect.commitsUnwrittenTransactions()) {
            handedOver = true;
            BoundTransaction.endUnwritten(handle);
          }
          throw keyReused(handler, key, storedKey, attempt, fingerprint);
        }
        default -> {
          return null;
        }
      }
    } catch (SQLException e) {
      throw failures.failure("claim", handler, key, e);
    } finally {
      if (!handedOver) {
        BoundTransaction.end(handle, false);
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
      ClaimTransaction handle,
      HandlerDescriptor handler,
      String key,
      String storedKey,
      PayloadFingerprint fingerprint) {
    BoundTransaction transaction = new BoundTransaction(handle);
    boolean handedOver = false;
    boolean undone = false;
    try {
      Claim claim = claimNested(transaction, handler, key, storedKey, fingerprint);
      if (claim.isDuplicate()) {
        undone = true;
      } else {
        binding.bind(transaction);
        handedOver = true;
      }
      return claim;
    } catch (DuplicateInProgressException | IdempotencyKeyReuseException e) {
      undone = !transaction.rollbackOnly;
      throw e;
    } finally {
      if (!handedOver) {
        // Nothing of the claim is left in the application's transaction unless a statement failed.
        BoundTransaction.end(handle, undone);
      }
    }
  }

  private Claim claimNested(
      BoundTransaction transaction,
      HandlerDescriptor handler,
      String key,
      String storedKey,
      PayloadFingerprint fingerprint) {
    Connection connection = transaction.connection;
    try {
      Savepoint savepoint = connection.setSavepoint();
      String token = newClaimToken();
      Instant now = clock.instant();
      Attempt attempt;
      try {
        attempt =
            statements.attempt(
                connection,
                handler,
                storedKey,
                ClaimStatements.COMPLETED,
                token,
                ClaimStatements.plus(now, handler.ttl()),
                now,
                fingerprint,
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
                  context,
                  transaction,
                  handler,
                  storedKey,
                  token,
                  savepoint,
                  transaction.claims.isEmpty());
          transaction.claims.push(claim);
          notifyAcquired(attempt.outcome, handler, storedKey);
          return claim;
        }
        case DUPLICATE -> {
          if (dialect.commitsUnwrittenTransactions()) {
            connection.releaseSavepoint(savepoint); // it wrote nothing; a rollback costs more
          } else {
            connection.rollback(savepoint);
          }
          events.duplicate(handler, storedKey);
          return Claim.duplicate(attempt.result);
        }
        case KEY_REUSED -> {
          if (dialect.commitsUnwrittenTransactions()) {
            connection.releaseSavepoint(savepoint);
          } else {
            connection.rollback(savepoint);
          }
          throw keyReused(handler, key, storedKey, attempt, fingerprint);
        }
        default -> {
          // Waiting here would hold the outer transaction open; the caller retries the message.
          connection.rollback(savepoint);
          events.inProgress(handler, storedKey);
          throw new DuplicateInProgressException(handler, key);
        }
      }
    } catch (SQLException e) {
      transaction.rollbackOnly = true;
      throw failures.failure(
          transaction.claims.isEmpty()
              ? "claim (in the application's transaction)"
              : "claim (nested in the thread's transaction)",
          handler,
          key,
          e);
    }
  }

  /** Returns the acquired or duplicate claim, or null if the key is in flight. */
  private Claim claimLease(
      HandlerDescriptor handler, String key, String storedKey, PayloadFingerprint fingerprint) {
    try (Connection connection = open(handler, key)) {
      connection.setAutoCommit(true);
      String token = newClaimToken();
      Instant now = clock.instant();
      Attempt attempt =
          statements.attempt(
              connection,
              handler,
              storedKey,
              ClaimStatements.IN_PROGRESS,
              token,
              ClaimStatements.plus(now, handler.lease()),
              now,
              fingerprint,
              null,
              () -> {}); // in auto-commit, each statement's bound ends with it
      switch (attempt.outcome) {
        case ACQUIRED, TAKEN_OVER -> {
          notifyAcquired(attempt.outcome, handler, storedKey);
          return new LeaseClaim(context, handler, storedKey, token);
        }
        case DUPLICATE -> {
          events.duplicate(handler, storedKey);
          return Claim.duplicate(attempt.result);
        }
        case KEY_REUSED -> throw keyReused(handler, key, storedKey, attempt, fingerprint);
        default -> {
          return null;
        }
      }
    } catch (SQLException e) {
      throw failures.failure("claim", handler, key, e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private Connection open(HandlerDescriptor handler, String key) {
    try {
      return dataSource.getConnection();
    } catch (SQLException e) {
      throw failures.failure("claim", handler, key, e);
    }
  }

  private ClaimTransaction begin(HandlerDescriptor handler, String key) {
    try {
      return transactions.begin(dataSource);
    } catch (SQLException e) {
      throw failures.failure("claim", handler, key, e);
    }
  }

  /** Reports a key reused ({@link Outcome#KEY_REUSED}) and returns the exception to throw. */
  private IdempotencyKeyReuseException keyReused(
      HandlerDescriptor handler,
      String key,
      String storedKey,
      Attempt attempt,
      PayloadFingerprint fingerprint) {
    events.keyReused(handler, storedKey);
    return new IdempotencyKeyReuseException(handler, key, attempt.recorded, fingerprint);
  }

  private void notifyAcquired(Outcome outcome, HandlerDescriptor handler, String storedKey) {
    if (outcome == Outcome.TAKEN_OVER) {
      events.expired(handler, storedKey);
    } else {
      events.claimed(handler, storedKey);
    }
  }

  /**
   * A token that tells this claim's row from a later owner's. It must be unique, not secret, so it
   * comes from {@link ThreadLocalRandom} rather than {@link UUID#randomUUID()}, whose shared {@code
   * SecureRandom} is a point of contention for concurrent consumers.
   */
  static String newClaimToken() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  private static void rollbackToQuietly(Connection connection, Savepoint savepoint) {
    try {
      connection.rollback(savepoint);
    } catch (SQLException e) {
      LOG.log(Level.DEBUG, "rollback to savepoint failed", e);
    }
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
     * LOCK_TIMEOUT} to it for the claim's statements and puts the session's own value back after
     * them, before the handler runs: no setting of the store's stays on a pooled connection.
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
     * @throws IllegalArgumentException if Idempo does not support the database
     * @throws IdempotencyStoreException if the database cannot be reached
     */
    public JdbcIdempotencyStore build() {
      Dialect detected = dialect;
      if (detected == null) {
        try (Connection connection = dataSource.getConnection()) {
          detected = Dialect.of(connection);
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
