package io.idempo.runtime.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.engine.Session;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;

/**
 * Reads and sets the lock timeout of an embedded H2 database's session directly, as a field of
 * the session: {@code SET LOCK_TIMEOUT} would make H2 compile every prepared statement of the
 * database again. Loaded only for H2, whose driver the application already has.
 */
final class H2Sessions {

  /** What {@link #swapLockTimeout} returns for a session it cannot reach (H2's TCP server). */
  static final int NOT_EMBEDDED = Integer.MIN_VALUE;

  private H2Sessions() {}

  /**
   * Sets the lock timeout of {@code connection}'s embedded session to {@code millis} and returns
   * the value it had, or {@link #NOT_EMBEDDED}.
   */
  static int swapLockTimeout(Connection connection, int millis) {
    SessionLocal session = embeddedSession(connection);
    if (session == null) {
      return NOT_EMBEDDED;
    }
    int previous = session.getLockTimeout();
    session.setLockTimeout(millis);
    return previous;
  }

  private static SessionLocal embeddedSession(Connection connection) {
    try {
      if (!connection.isWrapperFor(JdbcConnection.class)) {
        return null;
      }
      Session session = connection.unwrap(JdbcConnection.class).getSession();
      return session instanceof SessionLocal local ? local : null;
    } catch (SQLException | RuntimeException e) {
      return null;
    }
  }
}
