package io.idempo.spring;

import io.idempo.runtime.jdbc.ClaimTransactions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.datasource.JdbcTransactionObjectSupport;
import org.springframework.transaction.NoTransactionException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.interceptor.TransactionAspectSupport;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * {@link ClaimTransactions} over a Spring {@link PlatformTransactionManager}: a transactional claim
 * runs on the connection of the Spring transaction active on the thread ({@code
 * DataSourceTransactionManager}, {@code JpaTransactionManager}, {@code @Transactional}, {@code
 * TransactionTemplate}), and commits or rolls back with it. With no transaction active, the claim
 * begins one through the transaction manager ({@code PROPAGATION_REQUIRED}), so the handler's
 * {@code JdbcTemplate} and JPA work joins it, and the claim commits it when the handler returns.
 *
 * <p>A handler that throws anything, checked exceptions included, leaves its transaction
 * rollback-only: Spring's rule that checked exceptions commit does not apply to idempotent
 * handlers, because committing the work of a delivery whose key was released would apply it again
 * on redelivery.
 */
public final class SpringClaimTransactions implements ClaimTransactions {

  private static final System.Logger LOG =
      System.getLogger(SpringClaimTransactions.class.getName());

  private final PlatformTransactionManager transactionManager;

  /** Claims in transactions of {@code transactionManager}, which must manage the store's DataSource. */
  public SpringClaimTransactions(PlatformTransactionManager transactionManager) {
    this.transactionManager = Objects.requireNonNull(transactionManager, "transactionManager");
  }

  @Override
  public ClaimTransaction begin(DataSource dataSource) throws SQLException {
    TransactionStatus status;
    try {
      status = transactionManager.getTransaction(TransactionDefinition.withDefaults());
    } catch (TransactionException e) {
      throw new SQLException(
          "cannot begin a transaction with " + describe(transactionManager) + ": " + e.getMessage(),
          e);
    }
    Connection connection = null;
    try {
      connection = DataSourceUtils.getConnection(dataSource);
      if (!DataSourceUtils.isConnectionTransactional(connection, dataSource)
          || connection.getAutoCommit()) {
        throw new SQLException(
            describe(transactionManager)
                + " does not manage the idempotency store's DataSource, so the claim could not"
                + " join its transaction. Give the store the DataSource of that transaction"
                + " manager, or name the transaction manager that manages it with the property"
                + " idempo.transaction-manager");
      }
      return new SpringClaimTransaction(transactionManager, status, dataSource, connection);
    } catch (SQLException | RuntimeException e) {
      if (connection != null) {
        DataSourceUtils.releaseConnection(connection, dataSource);
      }
      try {
        transactionManager.rollback(status);
      } catch (TransactionException rollbackFailure) {
        e.addSuppressed(rollbackFailure);
      }
      if (e instanceof SQLException sql) {
        throw sql;
      }
      throw new SQLException(e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "Spring transactions of " + describe(transactionManager);
  }

  private static String describe(PlatformTransactionManager transactionManager) {
    return "transaction manager " + transactionManager.getClass().getName();
  }

  /** One claim's part in a Spring transaction. */
  private static final class SpringClaimTransaction implements ClaimTransaction {
    private final PlatformTransactionManager transactionManager;
    private final TransactionStatus status;
    private final DataSource dataSource;
    private final Connection connection;
    private boolean released;
    private boolean ended;

    SpringClaimTransaction(
        PlatformTransactionManager transactionManager,
        TransactionStatus status,
        DataSource dataSource,
        Connection connection) {
      this.transactionManager = transactionManager;
      this.status = status;
      this.dataSource = dataSource;
      this.connection = connection;
    }

    @Override
    public Connection connection() {
      return connection;
    }

    @Override
    public boolean joined() {
      return !status.isNewTransaction();
    }

    @Override
    public void commit() throws SQLException {
      if (!joined() && status.isRollbackOnly()) {
        // Spring would roll back quietly, and the delivery would count as done.
        throw new SQLException(
            "the transaction was marked rollback-only (a nested handler threw, or the handler"
                + " called setRollbackOnly()), so it rolls back instead of committing");
      }
      releaseConnection();
      ended = true;
      try {
        transactionManager.commit(status);
      } catch (TransactionException e) {
        throw new SQLException("the transaction did not commit: " + e.getMessage(), e);
      }
    }

    @Override
    public void rollback() throws SQLException {
      releaseConnection();
      if (ended) {
        return; // a failed commit has already ended the transaction
      }
      ended = true;
      if (joined()) {
        markEnclosingRollbackOnly();
      }
      try {
        status.setRollbackOnly();
        transactionManager.rollback(status);
      } catch (TransactionException e) {
        throw new SQLException("the transaction did not roll back: " + e.getMessage(), e);
      }
    }

    @Override
    public void nestedClaimReleased() {
      // An ORM session keeps changes a savepoint does not undo: nothing of this transaction commits.
      status.setRollbackOnly();
    }

    @Override
    public void afterCommit(Runnable action) {
      if (!joined() || !TransactionSynchronizationManager.isSynchronizationActive()) {
        action.run();
        return;
      }
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              action.run();
            }
          });
    }

    @Override
    public void close() {
      releaseConnection();
      if (ended) {
        return;
      }
      ended = true;
      // The claim left nothing in the transaction: end one begun for it, leave a joined one as is.
      try {
        if (joined()) {
          transactionManager.commit(status);
        } else {
          transactionManager.rollback(status);
        }
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "ending a claim's transaction failed", e);
      }
    }

    private void releaseConnection() {
      if (!released) {
        released = true;
        DataSourceUtils.releaseConnection(connection, dataSource);
      }
    }

    /**
     * Marks the {@code @Transactional} method's own status rollback-only when it began this very
     * transaction, so that it rolls back silently and rethrows the handler's exception, instead of
     * committing (Spring's rule for checked exceptions) into an {@code UnexpectedRollbackException}
     * that would hide it.
     */
    private void markEnclosingRollbackOnly() {
      TransactionStatus enclosing;
      try {
        enclosing = TransactionAspectSupport.currentTransactionStatus();
      } catch (NoTransactionException e) {
        return;
      }
      if (enclosing.isNewTransaction()
          && sameTransaction(enclosing)) {
        enclosing.setRollbackOnly();
      }
    }

    private boolean sameTransaction(TransactionStatus enclosing) {
      Object bound = TransactionSynchronizationManager.getResource(dataSource);
      return bound != null
          && enclosing instanceof DefaultTransactionStatus outer
          && outer.getTransaction() instanceof JdbcTransactionObjectSupport transaction
          && transaction.hasConnectionHolder()
          && transaction.getConnectionHolder() == bound;
    }
  }
}
