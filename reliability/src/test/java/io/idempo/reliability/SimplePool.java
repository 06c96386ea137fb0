package io.idempo.reliability;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A minimal connection pool for the consumers: idle connections are reused; a connection that died
 * (terminated backend, server down) is dropped when it is closed, so the pool recovers after a
 * database restart the way a production pool does. Opening a PostgreSQL connection forks a server
 * process, which is why the consumers need a pool at all.
 */
final class SimplePool implements DataSource, AutoCloseable {

  private final String url;
  private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();

  SimplePool(String url) {
    this.url = url;
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection physical = idle.pollFirst();
    if (physical == null) {
      physical = DriverManager.getConnection(url);
    }
    Connection target = physical;
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            new java.lang.reflect.InvocationHandler() {
              private boolean closed;

              @Override
              public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args)
                  throws Throwable {
                switch (method.getName()) {
                  case "close" -> {
                    if (!closed) {
                      closed = true;
                      giveBack(target);
                    }
                    return null;
                  }
                  case "isClosed" -> {
                    return closed || target.isClosed();
                  }
                  case "unwrap", "isWrapperFor" -> {
                    // fall through to the physical connection
                  }
                  default -> {
                    if (closed) {
                      throw new SQLException("connection returned to the pool");
                    }
                  }
                }
                try {
                  return method.invoke(target, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              }
            });
  }

  private void giveBack(Connection physical) {
    try {
      if (physical.isClosed()) {
        return;
      }
      if (!physical.getAutoCommit()) {
        physical.rollback();
        physical.setAutoCommit(true);
      }
      idle.addFirst(physical);
    } catch (SQLException e) {
      closeQuietly(physical);
    }
  }

  @Override
  public void close() {
    Connection c;
    while ((c = idle.pollFirst()) != null) {
      closeQuietly(c);
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // dropping a broken connection
    }
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("the pool has one user");
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }
}
