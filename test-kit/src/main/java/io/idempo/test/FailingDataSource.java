package io.idempo.test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} that fails half-way, for {@link RedeliveryCheck#afterFailedDelivery}: its
 * statements run, and the {@code n}th write (an {@code executeUpdate}, {@code execute} or {@code
 * executeBatch} over all its connections) throws right after it ran, as if the connection broke
 * after the write and before the commit. Later writes run normally.
 *
 * <pre>{@code
 * PaymentHandler crashing =
 *     new IdempotentPaymentHandler(store, FailingDataSource.afterWrites(store.dataSource(), 1));
 * }</pre>
 */
public final class FailingDataSource {

  private static final Set<String> WRITES =
      Set.of("executeUpdate", "executeLargeUpdate", "execute", "executeBatch", "executeLargeBatch");

  private FailingDataSource() {}

  /** {@code dataSource}, except that its {@code writes}th write throws after it ran. */
  public static DataSource afterWrites(DataSource dataSource, int writes) {
    if (writes < 1) {
      throw new IllegalArgumentException("writes must be at least 1, was " + writes);
    }
    AtomicInteger count = new AtomicInteger();
    return wrap(DataSource.class, dataSource, count, writes);
  }

  private static <T> T wrap(Class<T> type, T target, AtomicInteger count, int failAt) {
    Object proxy =
        Proxy.newProxyInstance(
            FailingDataSource.class.getClassLoader(),
            new Class<?>[] {type},
            (self, method, args) -> {
              Object result = invoke(target, method, args);
              if (result instanceof CallableStatement statement) {
                return wrap(CallableStatement.class, statement, count, failAt);
              }
              if (result instanceof PreparedStatement statement) {
                return wrap(PreparedStatement.class, statement, count, failAt);
              }
              if (result instanceof Statement statement) {
                return wrap(Statement.class, statement, count, failAt);
              }
              if (result instanceof Connection connection) {
                return wrap(Connection.class, connection, count, failAt);
              }
              if (target instanceof Statement
                  && WRITES.contains(method.getName())
                  && count.incrementAndGet() == failAt) {
                throw new SQLException("injected failure after write " + failAt + " (FailingDataSource)");
              }
              return result;
            });
    return type.cast(proxy);
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
