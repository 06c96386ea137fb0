package io.idempo.runtime.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The {@link DataSource} of {@link JdbcIdempotencyStore#dataSource()}: on a thread holding a
 * transactional claim, the claim's connection behind a guard; elsewhere, the wrapped data source.
 */
final class TransactionAwareDataSource implements DataSource {

  private final DataSource target;
  private final TransactionBinding binding;

  TransactionAwareDataSource(DataSource target, TransactionBinding binding) {
    this.target = target;
    this.binding = binding;
  }

  @Override
  public Connection getConnection() throws SQLException {
    BoundTransaction transaction = binding.current();
    if (transaction == null) {
      return target.getConnection();
    }
    return (Connection)
        Proxy.newProxyInstance(
            TransactionAwareDataSource.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            new Guard(transaction));
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    if (binding.current() != null) {
      throw new SQLException(
          "getConnection(username, password) cannot join the idempotent claim's transaction on"
              + " this thread; use getConnection()");
    }
    return target.getConnection(username, password);
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return target.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    target.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    target.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return target.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return target.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    if (type.isInstance(target)) {
      return type.cast(target);
    }
    return target.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return type.isInstance(target) || target.isWrapperFor(type);
  }

  @Override
  public String toString() {
    return "transaction-aware " + target;
  }

  /** Lets handler code use the claim's connection, but not end its transaction. */
  private static final class Guard implements InvocationHandler {
    private final BoundTransaction transaction;
    private boolean closed;

    Guard(BoundTransaction transaction) {
      this.transaction = transaction;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      int arity = args == null ? 0 : args.length;
      switch (name) {
        case "equals" -> {
          return arity == 1 && proxy == args[0];
        }
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        case "toString" -> {
          return "connection of " + transaction.describe() + " (transaction-aware)";
        }
        case "close" -> {
          closed = true;
          return null;
        }
        case "isClosed" -> {
          return closed || transaction.finished || transaction.connection.isClosed();
        }
        default -> {}
      }
      if (transaction.finished) {
        throw new SQLException(
            "this connection belonged to an idempotent claim whose transaction has ended; get a"
                + " new one from the DataSource");
      }
      if (arity == 0 && (name.equals("commit") || name.equals("rollback"))) {
        throw refused(name + "()");
      }
      if (name.equals("abort")) {
        throw refused("abort()");
      }
      if (name.equals("setAutoCommit") && Boolean.TRUE.equals(args[0])) {
        throw refused("setAutoCommit(true)");
      }
      try {
        return method.invoke(transaction.connection, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }

    private IllegalStateException refused(String call) {
      return new IllegalStateException(
          call
              + " is not allowed on the connection of "
              + transaction.describe()
              + ": the claim owns the transaction. It commits when the handler returns and rolls"
              + " back when it throws; throw to roll back");
    }
  }
}
