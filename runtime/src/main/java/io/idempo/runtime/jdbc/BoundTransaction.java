package io.idempo.runtime.jdbc;

import io.idempo.runtime.jdbc.ClaimTransactions.ClaimTransaction;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The transaction of a thread's outermost transactional claim, shared by the claims nested in it
 * (innermost first) and by the handler's own JDBC work through {@link TransactionAwareDataSource}.
 */
final class BoundTransaction {

  private static final System.Logger LOG = System.getLogger(BoundTransaction.class.getName());

  final ClaimTransaction handle;
  final Connection connection;

  /** The open claims on this transaction, innermost first. */
  final Deque<TransactionalClaim> claims = new ArrayDeque<>();

  /** True once the store's use of the transaction has ended. */
  volatile boolean finished;

  /** True once a failed statement left the transaction unable to commit. */
  boolean rollbackOnly;

  BoundTransaction(ClaimTransaction handle) {
    this.handle = handle;
    this.connection = handle.connection();
  }

  /** True if one of the open claims on this transaction wrote the row that has {@code token}. */
  boolean holds(String token) {
    for (TransactionalClaim claim : claims) {
      if (claim.token().equals(token)) {
        return true;
      }
    }
    return false;
  }

  /** Names the transaction's owner, for messages. */
  String describe() {
    TransactionalClaim outermost = claims.peekLast();
    return outermost == null
        ? "an ended claim"
        : "the claim of handler " + outermost.handler().name();
  }

  /**
   * Ends a claim's transaction that wrote nothing with a commit (see {@link
   * Dialect#commitsUnwrittenTransactions()}), or a rollback if the commit fails, and gives it back.
   */
  static void endUnwritten(ClaimTransaction handle) {
    boolean committed = false;
    try {
      handle.commit();
      committed = true;
    } catch (SQLException | RuntimeException e) {
      LOG.log(Level.DEBUG, "commit of a transaction that wrote nothing failed; rolling back", e);
    }
    end(handle, committed);
  }

  /**
   * Gives a claim's transaction back: as it is if {@code committed} (or if nothing of the claim is
   * left in it), else rolled back, or marked rollback-only if it was joined.
   */
  static void end(ClaimTransaction handle, boolean committed) {
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
}
