package io.idempo.runtime.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Where the transactional-mode claims of a {@link JdbcIdempotencyStore} get their transaction: the
 * one seam between the store and a transaction manager.
 *
 * <p>The default, {@link #LOCAL}, takes a connection from the store's {@code DataSource} for each
 * claim and owns its transaction: the claim commits it when the handler returns and rolls it back
 * when the handler throws. An application framework that manages transactions itself (Spring's
 * {@code PlatformTransactionManager}, for one) implements this interface so that the claim runs on
 * the framework's connection instead: it begins a transaction when none is active, and otherwise
 * joins the active one, which the framework then commits.
 *
 * <p>The store calls {@link #begin} once per outermost transactional claim on a thread, and ends
 * the returned {@link ClaimTransaction} exactly once: {@link ClaimTransaction#commit} or {@link
 * ClaimTransaction#rollback}, then always {@link ClaimTransaction#close}. Claims nested in it (a
 * handler calling another handler) use savepoints on the same connection.
 */
public interface ClaimTransactions {

  /** Each claim takes its own connection from the store's {@code DataSource} and owns it. */
  ClaimTransactions LOCAL = LocalClaimTransaction::begin;

  /**
   * Begins the transaction of one transactional-mode claim on {@code dataSource}, or joins the
   * transaction the calling thread already runs in on that {@code DataSource}. The returned
   * connection has auto-commit off.
   *
   * @throws SQLException if no connection can be had; the claim then fails and nothing is recorded
   */
  ClaimTransaction begin(DataSource dataSource) throws SQLException;

  /** The transaction of one outermost claim, as {@link ClaimTransactions#begin} handed it out. */
  interface ClaimTransaction {

    /** The connection the claim's statements and the handler's own JDBC work run on. */
    Connection connection();

    /**
     * True if the claim joined a transaction that someone else began (and will commit), false if
     * {@link ClaimTransactions#begin} began it for the claim. A joined transaction is not the
     * claim's to end: {@link #commit} leaves it open and {@link #rollback} marks it rollback-only.
     */
    boolean joined();

    /**
     * The claim completed: commits the transaction, or, if it was {@link #joined}, leaves the
     * commit to whoever began it.
     *
     * @throws SQLException if the commit fails; the store then calls {@link #rollback}
     */
    void commit() throws SQLException;

    /**
     * The claim was released (its handler threw) or failed: rolls the transaction back, or, if it
     * was {@link #joined}, marks it rollback-only so that nothing of it commits.
     */
    void rollback() throws SQLException;

    /**
     * A claim nested in this transaction was released and the store rolled the connection back to
     * the nested claim's savepoint. A transaction that holds work a JDBC savepoint cannot undo (an
     * ORM session's pending changes, say) marks itself rollback-only here; the default does
     * nothing.
     */
    default void nestedClaimReleased() {}

    /**
     * Runs {@code action} once the transaction has committed: at once if it is not {@link
     * #joined} (the store calls this after {@link #commit}), otherwise when its owner commits it;
     * never if it rolls back.
     */
    void afterCommit(Runnable action);

    /**
     * Gives the connection back; called last, exactly once. Never throws. Called without {@link
     * #commit} or {@link #rollback} before it, it means the claim left nothing in the transaction
     * (a duplicate): a transaction begun for the claim ends, a joined one stays as it is.
     */
    void close();
  }
}
