package io.idempo.runtime.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * How a {@link Dialect} bounds a claim statement's wait for another transaction's row lock to the
 * store's lock timeout, without changing how the handler's own statements wait. {@link
 * ClaimStatements} calls {@link #bound} before a claim's statements on a connection and {@link
 * #restore} after them, before the handler runs or the connection goes back to its pool; each
 * statement is bound with {@link #bind} and run with {@link #execute}.
 */
abstract class LockWaits {

  /** What {@link #bound} returns when there is nothing to restore. */
  static final int NOTHING_TO_RESTORE = -1;

  /**
   * Bounds the lock waits of the claim statements that follow on {@code connection}; returns what
   * {@link #restore} needs to put back ({@link #NOTHING_TO_RESTORE} if nothing).
   */
  abstract int bound(Connection connection) throws SQLException;

  /** Puts back what {@link #bound} changed on {@code connection}. */
  abstract void restore(Connection connection, int previous) throws SQLException;

  /**
   * The claim statement {@code sql} (an insert, a take-over or a locking read) as it must run: by
   * default as it is.
   */
  String statement(String sql) {
    return sql;
  }

  /** Binds what the statement needs first and returns the index of its next parameter. */
  abstract int bind(PreparedStatement claimStatement) throws SQLException;

  /** Runs a claim statement and returns the number of rows it wrote. */
  abstract int execute(PreparedStatement claimStatement) throws SQLException;

  /**
   * True if a claim statement that wrote nothing leaves its bound in force in the transaction, so
   * that the claim must undo it (roll back, or to its savepoint) before its next bounded statement.
   */
  abstract boolean outlivesStatementThatWroteNothing();

  /**
   * PostgreSQL: each claim statement sets {@code lock_timeout} for the transaction as it starts and
   * puts the value it found back when it wrote its row, in the statement itself: no round trip, no
   * driver timer. The statement returns a row per row written, in place of an update count.
   */
  static final class StatementLockWaits extends LockWaits {
    /**
     * Bounds the claim statement's lock waits: sets {@code lock_timeout} to the first parameter for
     * the transaction, having read the value in force into {@code outer_timeout} (in a subquery
     * that {@code OFFSET 0} keeps from being merged into the outer one, so it is read first). The
     * statement reads its row from {@code lock_bound}, so both are done before it can wait for a
     * lock.
     */
    static final String BOUND_LOCK_WAITS =
        "WITH lock_bound AS (SELECT outer_timeout, set_config('lock_timeout', ?, true) FROM"
            + " (SELECT current_setting('lock_timeout') AS outer_timeout OFFSET 0) AS saved) ";

    /**
     * Puts {@code lock_timeout} back when the statement wrote its row, so the handler's statements
     * that follow in the transaction wait as the connection was set up to. A statement that wrote
     * nothing leaves the bound in force: the store then ends the transaction or rolls back to the
     * claim's savepoint, before the claim's next statement that bounds its waits, which would
     * otherwise read the bound as the value to put back.
     */
    static final String RESTORE_LOCK_TIMEOUT =
        " RETURNING set_config('lock_timeout', (SELECT outer_timeout FROM lock_bound), true)";

    private final String millis;

    StatementLockWaits(int millis) {
      this.millis = Integer.toString(millis);
    }

    @Override
    int bound(Connection connection) {
      return NOTHING_TO_RESTORE;
    }

    @Override
    void restore(Connection connection, int previous) {}

    @Override
    int bind(PreparedStatement claimStatement) throws SQLException {
      claimStatement.setString(1, millis);
      return 2;
    }

    @Override
    int execute(PreparedStatement claimStatement) throws SQLException {
      int written = 0;
      try (ResultSet rows = claimStatement.executeQuery()) {
        while (rows.next()) {
          written++;
        }
      }
      return written;
    }

    @Override
    boolean outlivesStatementThatWroteNothing() {
      return true;
    }
  }

  /**
   * H2, whose lock timeout is only a session setting: the session's {@code LOCK_TIMEOUT} is set
   * for the claim's statements and put back after them, so no setting of the store's stays on a
   * pooled connection. In an embedded database that is a field of the session, read and written
   * directly ({@link H2Sessions}): an SQL {@code SET} would make H2 compile every prepared
   * statement of the database again. Over H2's TCP server it is SQL, a read and up to two {@code
   * SET}s per claim.
   */
  static final class H2LockWaits extends LockWaits {
    private final int millis;

    H2LockWaits(int millis) {
      this.millis = millis;
    }

    @Override
    int bound(Connection connection) throws SQLException {
      int previous = embeddedSwap(connection, millis);
      if (previous != H2Sessions.NOT_EMBEDDED) {
        return previous;
      }
      try (Statement statement = connection.createStatement()) {
        try (ResultSet row = statement.executeQuery("SELECT LOCK_TIMEOUT()")) {
          row.next();
          previous = row.getInt(1);
        }
        if (previous != millis) {
          statement.execute("SET LOCK_TIMEOUT " + millis);
        }
      }
      return previous;
    }

    @Override
    void restore(Connection connection, int previous) throws SQLException {
      if (previous == NOTHING_TO_RESTORE || previous == millis) {
        return;
      }
      if (embeddedSwap(connection, previous) == H2Sessions.NOT_EMBEDDED) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("SET LOCK_TIMEOUT " + previous);
        }
      }
    }

    private static int embeddedSwap(Connection connection, int millis) {
      try {
        return H2Sessions.swapLockTimeout(connection, millis);
      } catch (LinkageError driverNotVisible) {
        // H2's classes are not visible from this class loader.
        return H2Sessions.NOT_EMBEDDED;
      }
    }

    @Override
    int bind(PreparedStatement claimStatement) {
      return 1;
    }

    @Override
    int execute(PreparedStatement claimStatement) throws SQLException {
      return claimStatement.executeUpdate();
    }

    @Override
    boolean outlivesStatementThatWroteNothing() {
      return false;
    }
  }

  /** A lock timeout in InnoDB's unit, whole seconds, rounded up: at least 1 (0 would not wait). */
  static long innodbSeconds(int millis) {
    return Math.max(1, (millis + 999L) / 1000);
  }

  /**
   * MySQL, whose {@code innodb_lock_wait_timeout} is a session setting that no statement can set
   * for itself (it is not a {@code SET_VAR} hint variable): one statement saves the session's value
   * in a user variable and sets the store's before the claim statements, one puts it back after
   * them, so no setting of the store's stays on a pooled connection. Two round trips per claim.
   */
  static final class MySqlSessionLockWaits extends LockWaits {
    private final String bound;

    MySqlSessionLockWaits(int millis) {
      this.bound =
          "SET @idempo_lock_wait_timeout = @@SESSION.innodb_lock_wait_timeout,"
              + " SESSION innodb_lock_wait_timeout = "
              + innodbSeconds(millis);
    }

    @Override
    int bound(Connection connection) throws SQLException {
      try (Statement statement = connection.createStatement()) {
        statement.execute(bound);
      }
      return 0; // restore() reads the saved value from the user variable
    }

    @Override
    void restore(Connection connection, int previous) throws SQLException {
      if (previous == NOTHING_TO_RESTORE) {
        return;
      }
      try (Statement statement = connection.createStatement()) {
        statement.execute("SET SESSION innodb_lock_wait_timeout = @idempo_lock_wait_timeout");
      }
    }

    @Override
    int bind(PreparedStatement claimStatement) {
      return 1;
    }

    @Override
    int execute(PreparedStatement claimStatement) throws SQLException {
      return claimStatement.executeUpdate();
    }

    @Override
    boolean outlivesStatementThatWroteNothing() {
      return false;
    }
  }

  /**
   * MariaDB: each claim statement sets {@code innodb_lock_wait_timeout} for itself ({@code SET
   * STATEMENT ... FOR}, MariaDB 10.1.2+), in whole seconds: no round trip, nothing to put back.
   * The number is the store's own configuration, validated as an int, the only value in these
   * statements that is not a bound parameter: {@code SET STATEMENT} takes no parameters.
   */
  static final class MariaDbStatementLockWaits extends LockWaits {
    private final String prefix;

    MariaDbStatementLockWaits(int millis) {
      this.prefix = "SET STATEMENT innodb_lock_wait_timeout = " + innodbSeconds(millis) + " FOR ";
    }

    @Override
    String statement(String sql) {
      return prefix + sql;
    }

    @Override
    int bound(Connection connection) {
      return NOTHING_TO_RESTORE;
    }

    @Override
    void restore(Connection connection, int previous) {}

    @Override
    int bind(PreparedStatement claimStatement) {
      return 1;
    }

    @Override
    int execute(PreparedStatement claimStatement) throws SQLException {
      return claimStatement.executeUpdate();
    }

    @Override
    boolean outlivesStatementThatWroteNothing() {
      return false;
    }
  }
}
