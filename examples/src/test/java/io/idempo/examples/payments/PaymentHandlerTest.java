package io.idempo.examples.payments;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.examples.TestDatabases;
import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The payments handler under redelivery, with its generated wrapper, on H2. */
class PaymentHandlerTest {

  private static final PaymentCaptured EVENT =
      new PaymentCaptured(
          UUID.fromString("6c1a0f7e-4a53-4d2b-9a55-0c3cf0b9e001"), "acct-0001", 12_50, "ada@example.com");

  private DataSource database;
  private JdbcIdempotencyStore store;

  @BeforeEach
  void setUp() throws SQLException {
    database = TestDatabases.h2();
    PaymentsSchema.create(database);
    PaymentsSchema.reset(database, List.of("acct-0001"));
    store = JdbcIdempotencyStore.builder(database).build();
    store.createTableIfMissing();
  }

  @Test
  void redeliveries_bookThePaymentOnce() throws Exception {
    PaymentHandler handler = new IdempotentPaymentHandler(store, store.dataSource());

    handler.capture(EVENT);
    handler.capture(EVENT);
    handler.capture(EVENT);

    assertThat(ledgerEntries(EVENT.paymentId())).isEqualTo(1);
    assertThat(balanceFromLedger("acct-0001")).isEqualTo(12_50L);
  }

  @Test
  void concurrentDeliveriesOfOnePayment_bookItOnce() throws Exception {
    PaymentHandler handler = new IdempotentPaymentHandler(store, store.dataSource());
    ExecutorService consumers = Executors.newFixedThreadPool(4);
    try {
      List<Future<Object>> deliveries = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Callable<Object> delivery =
            () -> {
              handler.capture(EVENT);
              return null;
            };
        deliveries.add(consumers.submit(delivery));
      }
      for (Future<Object> delivery : deliveries) {
        delivery.get();
      }
    } finally {
      consumers.shutdown();
    }

    assertThat(ledgerEntries(EVENT.paymentId())).isEqualTo(1);
  }

  @Test
  void aFailureAfterTheInsert_rollsTheEntryBackWithTheClaim_andTheRedeliveryBooksIt()
      throws Exception {
    PaymentHandler crashing =
        new IdempotentPaymentHandler(store, failingAfterEachUpdate(store.dataSource()));

    SQLException failure = assertThrows(SQLException.class, () -> crashing.capture(EVENT));
    assertThat(failure.getMessage()).isEqualTo("connection lost after the update");
    assertThat(ledgerEntries(EVENT.paymentId())).isEqualTo(0);
    assertThat(claimRows()).isEqualTo(0);

    PaymentHandler handler = new IdempotentPaymentHandler(store, store.dataSource());
    handler.capture(EVENT);
    handler.capture(EVENT);

    assertThat(ledgerEntries(EVENT.paymentId())).isEqualTo(1);
    assertThat(claimRows()).isEqualTo(1);
  }

  @Test
  void theNaiveHandler_booksARedeliveryAgain() throws Exception {
    NaivePaymentHandler naive = new NaivePaymentHandler(database);

    naive.onMessage(EVENT);
    naive.onMessage(EVENT);

    assertThat(ledgerEntries(EVENT.paymentId())).isEqualTo(2);
    assertThat(storedBalance("acct-0001")).isEqualTo(25_00L);
  }

  /**
   * {@code dataSource}, except that every {@code executeUpdate} of its prepared statements runs
   * and then throws, as if the connection broke after the write and before the commit.
   */
  private static DataSource failingAfterEachUpdate(DataSource dataSource) {
    return (DataSource)
        Proxy.newProxyInstance(
            PaymentHandlerTest.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              Object result = invoke(dataSource, method, args);
              if (!method.getName().equals("getConnection")) {
                return result;
              }
              Connection connection = (Connection) result;
              return Proxy.newProxyInstance(
                  PaymentHandlerTest.class.getClassLoader(),
                  new Class<?>[] {Connection.class},
                  (p, m, a) -> {
                    Object r = invoke(connection, m, a);
                    if (!m.getName().equals("prepareStatement")) {
                      return r;
                    }
                    PreparedStatement statement = (PreparedStatement) r;
                    return Proxy.newProxyInstance(
                        PaymentHandlerTest.class.getClassLoader(),
                        new Class<?>[] {PreparedStatement.class},
                        (sp, sm, sa) -> {
                          Object sr = invoke(statement, sm, sa);
                          if (sm.getName().equals("executeUpdate")) {
                            throw new SQLException("connection lost after the update");
                          }
                          return sr;
                        });
                  });
            });
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private int ledgerEntries(UUID paymentId) throws SQLException {
    return (int) queryLong("SELECT COUNT(*) FROM payment_ledger WHERE payment_id = ?", paymentId.toString());
  }

  private long balanceFromLedger(String accountId) throws SQLException {
    return queryLong("SELECT balance_cents FROM payment_balance WHERE account_id = ?", accountId);
  }

  private long storedBalance(String accountId) throws SQLException {
    return queryLong("SELECT balance_cents FROM payment_account WHERE account_id = ?", accountId);
  }

  private int claimRows() throws SQLException {
    try (Connection connection = database.getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT COUNT(*) FROM " + store.tableName())) {
      row.next();
      return row.getInt(1);
    }
  }

  private long queryLong(String sql, String parameter) throws SQLException {
    try (Connection connection = database.getConnection();
        PreparedStatement query = connection.prepareStatement(sql)) {
      query.setString(1, parameter);
      try (ResultSet row = query.executeQuery()) {
        assertThat(row.next()).isTrue();
        return row.getLong(1);
      }
    }
  }
}
