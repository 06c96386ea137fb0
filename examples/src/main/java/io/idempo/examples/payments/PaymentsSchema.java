package io.idempo.examples.payments;

import io.idempo.examples.SqlScript;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import javax.sql.DataSource;

/** The payments service's tables: {@code schema.sql} in this package's resources. */
public final class PaymentsSchema {

  private PaymentsSchema() {}

  /** Creates the tables and the view unless they exist. */
  public static void create(DataSource dataSource) throws SQLException {
    SqlScript.run(dataSource, PaymentsSchema.class, "schema.sql");
  }

  /** Empties the ledger and replaces the accounts with {@code accountIds}, at balance zero. */
  public static void reset(DataSource dataSource, Collection<String> accountIds) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement();
          PreparedStatement open =
              connection.prepareStatement(
                  "INSERT INTO payment_account (account_id, balance_cents) VALUES (?, 0)")) {
        statement.execute("TRUNCATE TABLE payment_ledger");
        statement.execute("DELETE FROM payment_account");
        for (String accountId : accountIds) {
          open.setString(1, accountId);
          open.addBatch();
        }
        open.executeBatch();
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    }
  }
}
