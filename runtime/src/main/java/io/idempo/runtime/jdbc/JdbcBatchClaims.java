package io.idempo.runtime.jdbc;

import io.idempo.IdempotentHandler;
import io.idempo.runtime.BatchClaim;
import io.idempo.runtime.DuplicateInProgressException;
import io.idempo.runtime.HandlerDescriptor;
import io.idempo.runtime.IdempotencyStoreException;
import io.idempo.runtime.InFlightPolicy;
import io.idempo.runtime.jdbc.ClaimTransactions.ClaimTransaction;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How a {@link JdbcIdempotencyStore} claims a batch ({@link JdbcIdempotencyStore#claimBatch}): one
 * insert of every key, in the batch's fixed key order, which on PostgreSQL also reads the records
 * of the keys it did not insert; on H2, one read of those records follows. Expired records are taken over with one more statement (rare). The
 * transactional claims join the batch's transaction as a single claim joins its own (the thread's
 * transaction, under a savepoint; a transaction of {@link ClaimTransactions} that the application
 * began, under a savepoint; or a transaction of its own); lease claims commit at once.
 *
 * <p>A key held by a delivery in flight is found either as a live lease row, or as a claim
 * statement that gave up waiting for another transaction's uncommitted insert (the lock timeout).
 * Either way the batch acquires nothing: it rolls back (transactional) or deletes the leases it
 * took, and follows the store's {@link InFlightPolicy}, retrying the whole batch. When it gives up
 * after a lock timeout, which does not say which key it waited for, it claims the keys once more
 * one statement per key to name the one in flight (or, if that delivery has ended meanwhile, to
 * acquire them).
 */
final class JdbcBatchClaims {

  private static final System.Logger LOG = System.getLogger(JdbcBatchClaims.class.getName());
  static final String IN_PROGRESS = "IN_PROGRESS";
  static final String COMPLETED = "COMPLETED";
  private static final int MAX_ROUNDS = 20;

  private final ClaimContext context;
  private final BatchClaimStatements sql;
  private final ClaimTransactions transactions;
  private final InFlightPolicy inFlightPolicy;

  JdbcBatchClaims(
      ClaimContext context,
      BatchClaimStatements sql,
      ClaimTransactions transactions,
      InFlightPolicy inFlightPolicy) {
    this.context = context;
    this.sql = sql;
    this.transactions = transactions;
    this.inFlightPolicy = inFlightPolicy;
  }

  BatchClaim claim(HandlerDescriptor handler, List<String> keys) {
    long start = System.nanoTime();
    Objects.requireNonNull(handler, "handler");
    BatchKeys batch = BatchKeys.of(handler, keys);
    if (batch.size() == 0) {
      return new NothingAcquired(0);
    }
    return handler.mode() == IdempotentHandler.Mode.TRANSACTIONAL
        ? claimTransactional(handler, batch, start)
        : claimLeases(handler, batch, start);
  }

  // ---------------------------------------------------------------------------------------------
  // Transactional mode

  private BatchClaim claimTransactional(HandlerDescriptor handler, BatchKeys batch, long start) {
    BoundTransaction outer = context.binding.current();
    if (outer != null) {
      return claimOnSavepoint(outer, handler, batch, start);
    }
    ClaimTransaction handle;
    try {
      handle = transactions.begin(context.dataSource);
    } catch (SQLException e) {
      throw failure("claim", handler, batch, e);
    }
    if (handle.joined()) {
      return claimJoined(handle, handler, batch, start);
    }
    BoundTransaction transaction = new BoundTransaction(handle);
    Connection connection = transaction.connection;
    boolean handedOver = false;
    try {
      Attempt attempt =
          claimFollowingPolicy(
              connection,
              handler,
              batch,
              COMPLETED,
              handler.ttl(),
              null,
              (decided, token) -> connection.rollback(),
              true,
              start);
      if (attempt.decided.acquired().isEmpty()) {
        report(handler, batch, attempt.decided, start);
        return new NothingAcquired(batch.size()); // the finally block rolls back: nothing to commit
      }
      TransactionalBatchClaim claim =
          new TransactionalBatchClaim(
              context, sql, transaction, handler, batch, attempt, null, true);
      transaction.claims.push(claim);
      context.binding.bind(transaction);
      handedOver = true;
      report(handler, batch, attempt.decided, start);
      return claim;
    } catch (SQLException e) {
      throw failure("claim", handler, batch, e);
    } finally {
      if (!handedOver) {
        BoundTransaction.end(handle, false);
      }
    }
  }

  /**
   * Claims in a transaction that the application began, under a savepoint, as a single claim does:
   * a batch that acquires nothing, or finds a key in flight, leaves the application's transaction
   * as it was, and it does not wait for a key in flight beyond the lock timeout.
   */
  private BatchClaim claimJoined(
      ClaimTransaction handle, HandlerDescriptor handler, BatchKeys batch, long start) {
    BoundTransaction transaction = new BoundTransaction(handle);
    boolean handedOver = false;
    boolean undone = false;
    try {
      BatchClaim claim = claimOnSavepoint(transaction, handler, batch, start);
      if (claim.acquiredCount() == 0) {
        undone = true;
      } else {
        context.binding.bind(transaction);
        handedOver = true;
      }
      return claim;
    } catch (DuplicateInProgressException e) {
      undone = !transaction.rollbackOnly;
      throw e;
    } finally {
      if (!handedOver) {
        BoundTransaction.end(handle, undone);
      }
    }
  }

  /**
   * Claims under a savepoint of {@code transaction}: the thread's (a batch handler called from a
   * handler) or the application's. Does not wait for a key in flight beyond the lock timeout,
   * which would hold the transaction open.
   */
  private BatchClaim claimOnSavepoint(
      BoundTransaction transaction, HandlerDescriptor handler, BatchKeys batch, long start) {
    Connection connection = transaction.connection;
    boolean first = transaction.claims.isEmpty();
    try {
      Savepoint savepoint = connection.setSavepoint();
      Attempt attempt;
      try {
        attempt =
            claimFollowingPolicy(
                connection,
                handler,
                batch,
                COMPLETED,
                handler.ttl(),
                transaction,
                (decided, token) -> connection.rollback(savepoint),
                false,
                start);
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(connection, savepoint);
        throw e;
      }
      if (attempt.decided.acquired().isEmpty()) {
        connection.rollback(savepoint);
        report(handler, batch, attempt.decided, start);
        return new NothingAcquired(batch.size());
      }
      TransactionalBatchClaim claim =
          new TransactionalBatchClaim(
              context, sql, transaction, handler, batch, attempt, savepoint, first);
      transaction.claims.push(claim);
      report(handler, batch, attempt.decided, start);
      return claim;
    } catch (SQLException e) {
      transaction.rollbackOnly = true;
      throw failure(
          first ? "claim (in the application's transaction)" : "claim (nested in the thread's"
              + " transaction)",
          handler,
          batch,
          e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Lease mode

  private BatchClaim claimLeases(HandlerDescriptor handler, BatchKeys batch, long start) {
    try (Connection connection = context.dataSource.getConnection()) {
      connection.setAutoCommit(true);
      Attempt attempt =
          claimFollowingPolicy(
              connection,
              handler,
              batch,
              IN_PROGRESS,
              handler.lease(),
              null,
              // Every key, not only those known acquired: a failed statement may have left rows.
              (decided, token) -> sql.deleteLeases(connection, handler.name(), batch.sorted(), token),
              true,
              start);
      report(handler, batch, attempt.decided, start);
      if (attempt.decided.acquired().isEmpty()) {
        return new NothingAcquired(batch.size());
      }
      return new LeaseBatchClaim(context, sql, handler, batch, attempt);
    } catch (SQLException e) {
      throw failure("claim", handler, batch, e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Claiming the keys

  /** Undoes the claims of an attempt that found a key in flight. */
  @FunctionalInterface
  private interface Undo {
    void run(Decided decided, String token) throws SQLException;
  }

  /** What one attempt decided for the batch's keys (stored keys), and the token its rows carry. */
  static final class Attempt {
    final Decided decided;
    final String token;

    Attempt(Decided decided, String token) {
      this.decided = decided;
      this.token = token;
    }
  }

  /** The keys an attempt inserted, took over or found completed, or the one in flight. */
  static final class Decided {
    final Set<String> claimed = new HashSet<>();
    final Set<String> takenOver = new HashSet<>();
    final Set<String> duplicates = new HashSet<>();
    /** A key whose live lease row another delivery holds. */
    String inFlight;
    /** A claim statement gave up waiting for a lock: some key is in flight, which is unknown. */
    boolean inFlightSomewhere;

    boolean complete() {
      return inFlight == null && !inFlightSomewhere;
    }

    Set<String> acquired() {
      Set<String> acquired = new HashSet<>(claimed);
      acquired.addAll(takenOver);
      return acquired;
    }
  }

  /**
   * Claims the batch's keys, following the in-flight policy when a key is in flight (if {@code
   * mayWait}): each time it undoes the attempt, pauses and tries again; when it gives up, it throws
   * {@link DuplicateInProgressException} naming the key in flight.
   */
  private Attempt claimFollowingPolicy(
      Connection connection,
      HandlerDescriptor handler,
      BatchKeys batch,
      String status,
      Duration life,
      BoundTransaction thread,
      Undo undo,
      boolean mayWait,
      long start)
      throws SQLException {
    int pause = 0;
    while (true) {
      Attempt attempt = attempt(connection, handler, batch, status, life, thread, undo, false);
      if (attempt.decided.complete()) {
        return attempt;
      }
      if (mayWait && inFlightPolicy.pauseBeforeRetry(start, pause++)) {
        continue;
      }
      String inFlight = attempt.decided.inFlight;
      if (inFlight == null) {
        // The lock timeout does not say which key it waited for: one statement per key says it.
        Attempt probe = attempt(connection, handler, batch, status, life, thread, undo, true);
        if (probe.decided.complete()) {
          return probe;
        }
        inFlight = probe.decided.inFlight;
      }
      context.events.inProgress(handler, inFlight);
      context.events.claimTimed(handler, inFlight, start);
      throw new DuplicateInProgressException(handler, batch.keyOf(inFlight));
    }
  }

  /** One attempt at the whole batch; undone if it found a key in flight, or failed. */
  private Attempt attempt(
      Connection connection,
      HandlerDescriptor handler,
      BatchKeys batch,
      String status,
      Duration life,
      BoundTransaction thread,
      Undo undo,
      boolean oneByOne)
      throws SQLException {
    Decided decided = new Decided();
    String token = JdbcIdempotencyStore.newClaimToken();
    Instant now = context.clock.instant();
    // Where the lock timeout is a session setting (H2), set for the claim's statements only.
    int previous = sql.lockWaits.bound(connection);
    try {
      String[] keys = batch.sorted();
      if (oneByOne) {
        for (String key : keys) {
          claimKeys(decided, connection, handler, new String[] {key}, status, token, life, now, thread);
          if (decided.inFlightSomewhere) {
            decided.inFlightSomewhere = false;
            decided.inFlight = key;
          }
          if (!decided.complete()) {
            break;
          }
        }
      } else {
        claimKeys(decided, connection, handler, keys, status, token, life, now, thread);
      }
    } catch (SQLException | RuntimeException e) {
      try {
        sql.lockWaits.restore(connection, previous);
        undo.run(decided, token);
      } catch (SQLException | RuntimeException undoFailure) {
        e.addSuppressed(undoFailure);
      }
      throw e;
    }
    sql.lockWaits.restore(connection, previous);
    if (!decided.complete()) {
      undo.run(decided, token);
    }
    return new Attempt(decided, token);
  }

  /**
   * Claims {@code keys} (sorted): inserts them, reads the records of those it did not insert, and
   * takes over the expired ones, in rounds while records change under it (purged, or taken over
   * by another delivery). Stops at the first key found in flight.
   */
  private void claimKeys(
      Decided decided,
      Connection connection,
      HandlerDescriptor handler,
      String[] keys,
      String status,
      String token,
      Duration life,
      Instant now,
      BoundTransaction thread)
      throws SQLException {
    String[] pending = keys;
    String name = handler.name();
    for (int round = 0; round < MAX_ROUNDS; round++) {
      BatchClaimStatements.Inserted inserted;
      try {
        inserted = insert(connection, name, pending, status, token, life, now);
      } catch (SQLException e) {
        if (gaveUpWaiting(e)) {
          decided.inFlightSomewhere = true;
          return;
        }
        throw e;
      }
      decided.claimed.addAll(inserted.keys());
      String[] rest = BatchClaimStatements.without(pending, inserted.keys());
      if (rest.length == 0) {
        return;
      }
      Map<String, BatchClaimStatements.Row> rows = records(connection, name, rest, inserted);
      List<String> expired = new ArrayList<>();
      List<String> again = new ArrayList<>();
      for (String key : rest) {
        BatchClaimStatements.Row row = rows.get(key);
        if (row == null) {
          again.add(key); // deleted since the insert: a purge, or a released lease
          continue;
        }
        if (row.token().equals(token)) {
          // Inserted by this attempt's insert, in a statement that then failed and ran again (H2
          // keeps the rows a failed data-change query inserted before it failed).
          decided.claimed.add(key);
          continue;
        }
        if (thread != null && thread.holds(row.token())) {
          throw ClaimFailures.reentrant(handler, key);
        }
        if (!row.expiresAt().isAfter(now)) {
          expired.add(key);
        } else if (COMPLETED.equals(row.status())) {
          decided.duplicates.add(key);
        } else if (IN_PROGRESS.equals(row.status())) {
          decided.inFlight = key;
          return;
        } else {
          throw context.failures.unknownStatus(handler, key, row.status());
        }
      }
      if (!expired.isEmpty()) {
        String[] expiredKeys = expired.toArray(new String[0]);
        Set<String> taken;
        try {
          taken =
              sql.takeOver(
                  connection, name, expiredKeys, status, token, ClaimStatements.plus(now, life), now);
        } catch (SQLException e) {
          if (gaveUpWaiting(e)) {
            decided.inFlightSomewhere = true;
            return;
          }
          throw e;
        }
        decided.takenOver.addAll(taken);
        for (String key : expiredKeys) {
          if (!taken.contains(key)) {
            again.add(key); // another delivery took it over first
          }
        }
      }
      if (again.isEmpty()) {
        return;
      }
      pending = again.toArray(new String[0]);
      Arrays.sort(pending);
    }
    throw new IdempotencyStoreException(
        "records of handler "
            + name
            + " in "
            + sql.table
            + " kept changing during "
            + MAX_ROUNDS
            + " rounds of a batch claim; deliver the batch again");
  }

  /**
   * The records of {@code rest}, the keys the insert did not insert: those it read itself, and a
   * read of the others (all on H2; on PostgreSQL those that committed after its snapshot).
   */
  private Map<String, BatchClaimStatements.Row> records(
      Connection connection,
      String handlerName,
      String[] rest,
      BatchClaimStatements.Inserted inserted)
      throws SQLException {
    if (inserted.others() == null) {
      return sql.select(connection, handlerName, rest);
    }
    Map<String, BatchClaimStatements.Row> rows = new HashMap<>(inserted.others());
    String[] unseen = BatchClaimStatements.without(rest, rows.keySet());
    if (unseen.length > 0) {
      rows.putAll(sql.select(connection, handlerName, unseen));
    }
    return rows;
  }

  /**
   * The insert; on H2, run again while a concurrent insert of one of the keys commits under it (the
   * statement then inserted nothing, and the committed row is no longer inserted next time).
   */
  private BatchClaimStatements.Inserted insert(
      Connection connection,
      String handlerName,
      String[] keys,
      String status,
      String token,
      Duration life,
      Instant now)
      throws SQLException {
    for (int i = 0; ; i++) {
      try {
        return sql.insert(
            connection, handlerName, keys, status, token, ClaimStatements.plus(now, life), now);
      } catch (SQLException e) {
        if (i + 1 < MAX_ROUNDS && sql.insertRaisesDuplicateKey() && sql.dialect.isDuplicateKey(e)) {
          continue;
        }
        throw e;
      }
    }
  }

  /**
   * True if a claim statement gave up waiting for a row lock (the lock timeout), or the database
   * broke a wait cycle with an unrelated transaction: either way, a key is in flight.
   */
  private boolean gaveUpWaiting(SQLException e) {
    String state = e.getSQLState();
    return sql.dialect.isLockTimeout(e)
        || "40P01".equals(state) // PostgreSQL deadlock_detected
        || "40001".equals(state); // H2 deadlock; PostgreSQL serialization failure
  }

  // ---------------------------------------------------------------------------------------------
  // Listener and failures

  /** Tells the listener what the batch decided, key by key in the batch's order. */
  private void report(HandlerDescriptor handler, BatchKeys batch, Decided decided, long start) {
    for (String key : batch.inBatchOrder()) {
      if (decided.claimed.contains(key)) {
        context.events.claimed(handler, key);
      } else if (decided.takenOver.contains(key)) {
        context.events.expired(handler, key);
      } else {
        context.events.duplicate(handler, key);
      }
      context.events.claimTimed(handler, key, start);
    }
  }

  private IdempotencyStoreException failure(
      String what, HandlerDescriptor handler, BatchKeys batch, SQLException e) {
    String hint =
        sql.dialect.isMissingTable(e)
            ? " The table does not exist: call JdbcIdempotencyStore.createTableIfMissing() or run "
                + sql.dialect.ddlResource()
                + " in a migration."
            : "";
    return new IdempotencyStoreException(
        what
            + " of a batch of "
            + batch.size()
            + " messages (keys "
            + batch.describe()
            + ") for handler "
            + handler.name()
            + " (key path "
            + handler.keyPath()
            + ") failed in "
            + sql.table
            + ": "
            + e.getMessage()
            + "."
            + hint
            + " Nothing was recorded; deliver the batch again.",
        e);
  }

  private static void rollbackQuietly(Connection connection, Savepoint savepoint) {
    try {
      connection.rollback(savepoint);
    } catch (SQLException e) {
      LOG.log(Level.DEBUG, "rollback to savepoint failed", e);
    }
  }

  /** A batch claim that acquired no message: completing or releasing it has nothing to do. */
  static final class NothingAcquired extends BatchClaim {
    NothingAcquired(int size) {
      super(size, new BitSet());
    }

    @Override
    protected void recordCompletion() {}

    @Override
    protected void discard(Throwable failure) {}
  }
}
