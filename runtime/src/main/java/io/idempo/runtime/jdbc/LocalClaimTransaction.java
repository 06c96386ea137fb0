package io.idempo.runtime.jdbc;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** {@link ClaimTransactions#LOCAL}: a connection of the claim's own, whose transaction it owns. */
final class LocalClaimTransaction implements ClaimTransactions.ClaimTransaction {

  private static final System.Logger LOG = System.getLogger(LocalClaimTransaction.class.getName());

  private final Connection connection;

  private LocalClaimTransaction(Connection connection) {
    this.connection = connection;
  }

  static ClaimTransactions.ClaimTransaction begin(DataSource dataSource) throws SQLException {
    Connection connection = dataSource.getConnection();
    try {
      connection.setAutoCommit(false);
    } catch (SQLException | RuntimeException e) {
      try {
        connection.close();
      } catch (SQLException closeFailure) {
        e.addSuppressed(closeFailure);
      }
      throw e;
    }
    return new LocalClaimTransaction(connection);
  }

  @Override
  public Connection connection() {
    return connection;
  }

  @Override
  public boolean joined() {
    return false;
  }

  @Override
  public void commit() throws SQLException {
    connection.commit();
  }

  @Override
  public void rollback() throws SQLException {
    connection.rollback();
  }

  @Override
  public void afterCommit(Runnable action) {
    action.run();
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.log(Level.DEBUG, "closing a connection failed", e);
    }
  }
}
