package io.idempo.runtime.jdbc;

import io.idempo.runtime.jdbc.Dialect.TransactionHealth;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * Reads the PostgreSQL driver's record of a connection's transaction state, which the server
 * reports after every statement, so asking costs no round trip. Loaded only for PostgreSQL, whose
 * driver the application already has.
 */
final class PostgresDriverState {

  private PostgresDriverState() {}

  static TransactionHealth of(Connection connection) {
    try {
      if (!connection.isWrapperFor(BaseConnection.class)) {
        return TransactionHealth.UNKNOWN;
      }
      TransactionState state = connection.unwrap(BaseConnection.class).getTransactionState();
      return state == TransactionState.FAILED ? TransactionHealth.ABORTED : TransactionHealth.HEALTHY;
    } catch (SQLException e) {
      return TransactionHealth.UNKNOWN;
    }
  }
}
