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
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link JdbcIdempotencyStore} claims a batch ({@link JdbcIdempotencyStore#claimBatch}), in
 * which transaction and what it does about a key in flight; {@link BatchAttempts} runs the
 * statements. The transactional claims join the batch's transaction as a single claim joins its
 * own (the thread's transaction, under a savepoint; a transaction of {@link ClaimTransactions}
 * that the application began, under a savepoint; or a transaction of its own); lease claims commit
 * at once.
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
  private static final String IN_PROGRESS = BatchAttempts.IN_PROGRESS;
  private static final String COMPLETED = BatchAttempts.COMPLETED;

  private final ClaimContext context;
  private final BatchClaimStatements sql;
  private final BatchAttempts attempts;
  private final ClaimTransactions transactions;
  private final InFlightPolicy inFlightPolicy;

  JdbcBatchClaims(
      ClaimContext context,
      BatchClaimStatements sql,
      ClaimTransactions transactions,
      InFlightPolicy inFlightPolicy) {
    this.context = context;
    this.sql = sql;
    this.attempts = new BatchAttempts(context, sql);
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
      BatchAttempts.Attempt attempt =
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
      BatchAttempts.Attempt attempt;
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
      BatchAttempts.Attempt attempt =
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
  // The in-flight policy

  /**
   * Claims the batch's keys, following the in-flight policy when a key is in flight (if {@code
   * mayWait}): each time it undoes the attempt, pauses and tries again; when it gives up, it throws
   * {@link DuplicateInProgressException} naming the key in flight.
   */
  private BatchAttempts.Attempt claimFollowingPolicy(
      Connection connection,
      HandlerDescriptor handler,
      BatchKeys batch,
      String status,
      Duration life,
      BoundTransaction thread,
      BatchAttempts.Undo undo,
      boolean mayWait,
      long start)
      throws SQLException {
    int pause = 0;
    while (true) {
      BatchAttempts.Attempt attempt = attempts.attempt(connection, handler, batch, status, life, thread, undo, false);
      if (attempt.decided.complete()) {
        return attempt;
      }
      if (mayWait && inFlightPolicy.pauseBeforeRetry(start, pause++)) {
        continue;
      }
      String inFlight = attempt.decided.inFlight;
      if (inFlight == null) {
        // The lock timeout does not say which key it waited for: one statement per key says it.
        BatchAttempts.Attempt probe = attempts.attempt(connection, handler, batch, status, life, thread, undo, true);
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

  // ---------------------------------------------------------------------------------------------
  // Listener and failures

  /** Tells the listener what the batch decided, key by key in the batch's order. */
  private void report(HandlerDescriptor handler, BatchKeys batch, BatchAttempts.Decided decided, long start) {
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
