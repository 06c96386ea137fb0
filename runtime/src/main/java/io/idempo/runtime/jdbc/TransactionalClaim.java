package io.idempo.runtime.jdbc;

import io.idempo.runtime.Claim;
import io.idempo.runtime.HandlerDescriptor;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;

/**
 * An acquired transactional-mode claim: its row, already completed, waits uncommitted in the
 * thread's {@link BoundTransaction} with the handler's work. Completing stores the result and
 * commits (a nested claim: keeps its work and leaves the commit to the outermost); releasing rolls
 * back (a nested claim: to its savepoint).
 */
final class TransactionalClaim extends Claim {
  private final ClaimContext context;
  private final BoundTransaction transaction;
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
      ClaimContext context,
      BoundTransaction transaction,
      HandlerDescriptor handler,
      String storedKey,
      String token,
      Savepoint savepoint,
      boolean outermost) {
    this.context = context;
    this.transaction = transaction;
    this.handler = handler;
    this.storedKey = storedKey;
    this.token = token;
    this.savepoint = savepoint;
    this.outermost = outermost;
  }

  HandlerDescriptor handler() {
    return handler;
  }

  String token() {
    return token;
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
      Dialect.TransactionHealth health =
          context.statements.dialect().transactionHealth(connection);
      if (health == Dialect.TransactionHealth.ABORTED) {
        throw new SQLException(
            "a statement of the handler failed and aborted its transaction, so the database"
                + " would roll it back on commit");
      }
      if (encodedResult != null || health == Dialect.TransactionHealth.UNKNOWN) {
        if (context.statements.storeResult(connection, handler, storedKey, token, encodedResult)
            != 1) {
          throw context.failures.rowVanished();
        }
      }
      if (!outermost) {
        transaction.claims.pop();
        context.events.completed(handler, storedKey);
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
        throw context.failures.completionNotRecorded(
            handler, storedKey, e, "; the enclosing claim's transaction will roll back");
      }
      finish(false);
      if (transaction.handle.joined()) {
        throw context.failures.completionNotRecorded(
            handler,
            storedKey,
            e,
            ". The transaction it joined was marked rollback-only, so neither the handler's"
                + " work nor the record commits; do not acknowledge the message");
      }
      throw context.failures.commitFailed(handler, storedKey, e);
    }
    finish(true);
    // For a joined transaction, completed means committed: its owner's commit, still to come.
    transaction.handle.afterCommit(() -> context.events.completed(handler, storedKey));
  }

  @Override
  protected void discard(Throwable failure) {
    checkOpen("release()");
    if (transaction.claims.peek() != this) {
      abandon();
      context.events.released(handler, storedKey, failure);
      return;
    }
    if (!outermost) {
      transaction.claims.pop();
      try {
        transaction.connection.rollback(savepoint);
        transaction.handle.nestedClaimReleased();
      } catch (SQLException e) {
        transaction.rollbackOnly = true;
        throw context.failures.nestedRollbackFailed(handler, e);
      } finally {
        context.events.released(handler, storedKey, failure);
      }
      return;
    }
    try {
      finish(false);
    } finally {
      context.events.released(handler, storedKey, failure);
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
    context.binding.unbind(transaction);
    BoundTransaction.end(transaction.handle, committed);
  }
}
