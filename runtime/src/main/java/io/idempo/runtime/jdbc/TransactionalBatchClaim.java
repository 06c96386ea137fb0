package io.idempo.runtime.jdbc;

import io.idempo.runtime.BatchClaim;
import io.idempo.runtime.HandlerDescriptor;
import io.idempo.runtime.IdempotencyStoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;

/**
 * A transactional-mode batch claim: the batch's rows, inserted already completed, wait in the
 * transaction that the handler's work joins. Completing it commits that transaction once (or, nested
 * or joined, leaves the commit to the claim or application that began it); releasing it rolls back
 * (to its savepoint if nested; a joined transaction is marked rollback-only), as a single
 * transactional claim does.
 */
final class TransactionalBatchClaim extends BatchClaim implements TransactionMember {

  private final ClaimContext context;
  private final BatchClaimStatements sql;
  private final BoundTransaction transaction;
  private final HandlerDescriptor handler;
  private final BatchKeys batch;
  private final String token;
  /** The acquired stored keys, in the batch's order. */
  private final String[] acquired;

  /** Where the batch's claims start in a transaction it did not begin; null if it began it. */
  private final Savepoint savepoint;

  /** True for the first claim of the transaction, which ends the store's use of it. */
  private final boolean outermost;

  TransactionalBatchClaim(
      ClaimContext context,
      BatchClaimStatements sql,
      BoundTransaction transaction,
      HandlerDescriptor handler,
      BatchKeys batch,
      BatchAttempts.Attempt attempt,
      Savepoint savepoint,
      boolean outermost) {
    super(batch.size(), batch.firstIndexes(attempt.decided.acquired()));
    this.context = context;
    this.sql = sql;
    this.transaction = transaction;
    this.handler = handler;
    this.batch = batch;
    this.token = attempt.token;
    this.acquired = batch.inBatchOrder(attempt.decided.acquired());
    this.savepoint = savepoint;
    this.outermost = outermost;
  }

  @Override
  public String token() {
    return token;
  }

  @Override
  public HandlerDescriptor handler() {
    return handler;
  }

  @Override
  protected void recordCompletion() {
    checkOpen("complete()");
    if (transaction.claims.peek() != this) {
      finish(false);
      throw new IllegalStateException(
          "batch claim of handler "
              + handler.name()
              + " completed while a nested claim on its transaction was still open; the"
              + " transaction was rolled back and nothing was recorded. Complete or release"
              + " nested claims first");
    }
    Connection connection = transaction.connection;
    try {
      Dialect.TransactionHealth health = sql.dialect.transactionHealth(connection);
      if (health == Dialect.TransactionHealth.ABORTED) {
        throw new SQLException(
            "a statement of the handler failed and aborted its transaction, so the database"
                + " would roll it back on commit");
      }
      if (health == Dialect.TransactionHealth.UNKNOWN
          && sql.check(connection, handler.name(), acquired, token) != acquired.length) {
        throw new SQLException(
            "claim rows of the batch vanished from " + sql.table + " inside their own transaction");
      }
      if (!outermost) {
        transaction.claims.pop();
        notifyCompleted();
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
        throw notRecorded(e, "; the enclosing claim's transaction will roll back");
      }
      finish(false);
      if (transaction.handle.joined()) {
        throw notRecorded(
            e,
            ". The transaction it joined was marked rollback-only, so neither the handler's work"
                + " nor the records commit; do not acknowledge the batch");
      }
      throw notRecorded(
          e,
          ". The handler's work and the records commit together or not at all, so do not"
              + " acknowledge the batch: its next delivery skips the messages if the commit went"
              + " through, or processes them again if it did not");
    }
    finish(true);
    // For a joined transaction, completed means committed: its owner's commit, still to come.
    transaction.handle.afterCommit(this::notifyCompleted);
  }

  @Override
  protected void discard(Throwable failure) {
    checkOpen("release()");
    try {
      if (transaction.claims.peek() != this) {
        finish(false);
      } else if (!outermost) {
        transaction.claims.pop();
        try {
          transaction.connection.rollback(savepoint);
          transaction.handle.nestedClaimReleased();
        } catch (SQLException e) {
          transaction.rollbackOnly = true;
          throw new IdempotencyStoreException(
              "cannot roll back the nested batch claim of handler "
                  + handler.name()
                  + " in "
                  + sql.table
                  + "; the enclosing claim's transaction will roll back",
              e);
        }
      } else {
        finish(false);
      }
    } finally {
      for (String key : acquired) {
        context.events.released(handler, key, failure);
      }
    }
  }

  private void notifyCompleted() {
    for (String key : acquired) {
      context.events.completed(handler, key);
    }
  }

  private void checkOpen(String call) {
    if (transaction.finished) {
      throw new IllegalStateException(
          call
              + " of the nested batch claim of handler "
              + handler.name()
              + " came after the transaction it joined ended; nothing more can be recorded in it");
    }
  }

  /**
   * Ends the store's use of the transaction: after its commit (already done), or rolling it back
   * (marking it rollback-only if it was joined); gives the connection back and unbinds the thread.
   */
  private void finish(boolean committed) {
    transaction.finished = true;
    transaction.claims.clear();
    context.binding.unbind(transaction);
    BoundTransaction.end(transaction.handle, committed);
  }

  private IdempotencyStoreException notRecorded(Exception e, String consequence) {
    return new IdempotencyStoreException(
        "cannot record the completion of a batch of "
            + batch.size()
            + " messages (keys "
            + batch.describe()
            + ") of handler "
            + handler.name()
            + " in "
            + sql.table
            + ": "
            + e.getMessage()
            + consequence,
        e);
  }
}
