package io.idempo.benchmarks.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} that counts what reaches the database through it: statement executions (one
 * per {@code execute*} call, each a round trip), commits and rollbacks.
 *
 * <p>A commit is counted when a transaction that executed at least one statement ends with {@code
 * commit()} or with {@code setAutoCommit(true)}, and for every statement executed in auto-commit
 * mode, which the database commits on its own. A {@code commit()} with nothing executed since the
 * last one is not counted: drivers send nothing for it.
 */
public final class CountingDataSource implements DataSource {

  private final DataSource delegate;
  private final LongAdder statements = new LongAdder();
  private final LongAdder commits = new LongAdder();
  private final LongAdder rollbacks = new LongAdder();

  public CountingDataSource(DataSource delegate) {
    this.delegate = delegate;
  }

  /** Statement executions so far. */
  public long statements() {
    return statements.sum();
  }

  /** Commits so far, explicit and auto-commit. */
  public long commits() {
    return commits.sum();
  }

  /** Rollbacks of transactions that executed at least one statement. */
  public long rollbacks() {
    return rollbacks.sum();
  }

  /** Sets every counter back to zero. */
  public void reset() {
    statements.reset();
    commits.reset();
    rollbacks.reset();
  }

  @Override
  public Connection getConnection() throws SQLException {
    return wrap(delegate.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return wrap(delegate.getConnection(username, password));
  }

  private Connection wrap(Connection connection) throws SQLException {
    return (Connection)
        Proxy.newProxyInstance(
            CountingDataSource.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            new ConnectionHandler(connection, connection.getAutoCommit()));
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return delegate.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    return delegate.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return type.isInstance(this) || delegate.isWrapperFor(type);
  }

  private static Object forward(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private final class ConnectionHandler implements InvocationHandler {
    private final Connection connection;
    private boolean autoCommit;
    private boolean dirty;

    ConnectionHandler(Connection connection, boolean autoCommit) {
      this.connection = connection;
      this.autoCommit = autoCommit;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "equals" -> {
          return proxy == args[0];
        }
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        case "toString" -> {
          return "counting(" + connection + ")";
        }
        case "commit" -> {
          forward(connection, method, args);
          endTransaction(commits);
          return null;
        }
        case "rollback" -> {
          forward(connection, method, args);
          if (args == null || args.length == 0) {
            endTransaction(rollbacks);
          }
          return null;
        }
        case "setAutoCommit" -> {
          boolean on = (Boolean) args[0];
          forward(connection, method, args);
          if (on && !autoCommit) {
            endTransaction(commits);
          }
          autoCommit = on;
          return null;
        }
        case "createStatement", "prepareStatement", "prepareCall" -> {
          Object statement = forward(connection, method, args);
          return Proxy.newProxyInstance(
              CountingDataSource.class.getClassLoader(),
              new Class<?>[] {statementType(method.getName())},
              new StatementHandler(statement, this));
        }
        default -> {
          return forward(connection, method, args);
        }
      }
    }

    private void endTransaction(LongAdder counter) {
      if (dirty) {
        counter.increment();
        dirty = false;
      }
    }

    void executed() {
      statements.increment();
      if (autoCommit) {
        commits.increment();
      } else {
        dirty = true;
      }
    }
  }

  private static Class<?> statementType(String factory) {
    return switch (factory) {
      case "prepareStatement" -> PreparedStatement.class;
      case "prepareCall" -> CallableStatement.class;
      default -> Statement.class;
    };
  }

  private static final class StatementHandler implements InvocationHandler {
    private final Object statement;
    private final ConnectionHandler connection;

    StatementHandler(Object statement, ConnectionHandler connection) {
      this.statement = statement;
      this.connection = connection;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getName().equals("equals")) {
        return proxy == args[0];
      }
      if (method.getName().equals("hashCode")) {
        return System.identityHashCode(proxy);
      }
      if (method.getName().startsWith("execute")) {
        try {
          return forward(statement, method, args);
        } finally {
          // A statement the database rejects was still a round trip.
          connection.executed();
        }
      }
      return forward(statement, method, args);
    }
  }
}
