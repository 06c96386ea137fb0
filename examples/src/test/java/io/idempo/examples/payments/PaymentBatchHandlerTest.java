package io.idempo.examples.payments;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.examples.TestDatabases;
import io.idempo.runtime.IdempotencyStore;
import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The batch payments handler under redelivery, with its generated wrapper, on H2. */
class PaymentBatchHandlerTest {

  private DataSource database;
  private IdempotencyStore store;
  private DataSource ledger;

  @BeforeEach
  void setUp() throws SQLException {
    database = TestDatabases.h2();
    PaymentsSchema.create(database);
    PaymentsSchema.reset(database, List.of("acct-0001", "acct-0002"));
    JdbcIdempotencyStore jdbc = JdbcIdempotencyStore.builder(database).build();
    jdbc.createTableIfMissing();
    store = jdbc;
    ledger = jdbc.dataSource();
  }

  private static PaymentCaptured payment(int n, String account) {
    return new PaymentCaptured(
        UUID.fromString(String.format("6c1a0f7e-4a53-4d2b-9a55-%012d", n)),
        account,
        n * 100L,
        "ada@example.com");
  }

  @Test
  void aRedeliveredBatch_booksEachPaymentOnce() throws Exception {
    PaymentBatchHandler handler = new IdempotentPaymentBatchHandler(store, ledger);
    List<PaymentCaptured> batch =
        List.of(payment(1, "acct-0001"), payment(2, "acct-0002"), payment(3, "acct-0001"));

    handler.capture(batch);
    handler.capture(batch);

    assertThat(ledgerEntries()).isEqualTo(3);
    assertThat(balanceFromLedger("acct-0001")).isEqualTo(400L);
    assertThat(balanceFromLedger("acct-0002")).isEqualTo(200L);
  }

  @Test
  void duplicatesInsideABatchAndAcrossBatches_areBookedOnce() throws Exception {
    PaymentBatchHandler handler = new IdempotentPaymentBatchHandler(store, ledger);

    handler.capture(List.of(payment(1, "acct-0001"), payment(1, "acct-0001")));
    handler.capture(List.of(payment(2, "acct-0002"), payment(1, "acct-0001")));

    assertThat(ledgerEntries()).isEqualTo(2);
    assertThat(balanceFromLedger("acct-0001")).isEqualTo(100L);
  }

  @Test
  void movingFromTheSingleEventHandler_skipsThePaymentsItCaptured() throws Exception {
    PaymentHandler single = new IdempotentPaymentHandler(store, ledger);
    PaymentBatchHandler batches = new IdempotentPaymentBatchHandler(store, ledger);

    single.capture(payment(1, "acct-0001"));
    batches.capture(List.of(payment(1, "acct-0001"), payment(2, "acct-0001")));

    assertThat(ledgerEntries()).isEqualTo(2);
    assertThat(balanceFromLedger("acct-0001")).isEqualTo(300L);
  }

  @Test
  void aBatchThatFailsAfterItsInsert_rollsBackWithItsClaims_andTheRedeliveryBooksIt()
      throws Exception {
    PaymentBatchHandler crashing =
        new IdempotentPaymentBatchHandler(store, failingAfterEachBatch(ledger));
    List<PaymentCaptured> batch = List.of(payment(1, "acct-0001"), payment(2, "acct-0002"));

    SQLException failure = assertThrows(SQLException.class, () -> crashing.capture(batch));
    assertThat(failure.getMessage()).isEqualTo("connection lost after the batch");
    assertThat(ledgerEntries()).isEqualTo(0);

    PaymentBatchHandler handler = new IdempotentPaymentBatchHandler(store, ledger);
    handler.capture(batch);
    handler.capture(batch);

    assertThat(ledgerEntries()).isEqualTo(2);
  }

  /**
   * {@code dataSource}, except that every {@code executeBatch} of its prepared statements runs and
   * then throws, as if the connection broke after the writes and before the commit.
   */
  private static DataSource failingAfterEachBatch(DataSource dataSource) {
    return proxy(
        DataSource.class,
        dataSource,
        (method, result) ->
            method.equals("getConnection")
                ? proxy(
                    Connection.class,
                    (Connection) result,
                    (m, r) ->
                        m.equals("prepareStatement")
                            ? proxy(
                                PreparedStatement.class,
                                (PreparedStatement) r,
                                (sm, sr) -> {
                                  if (sm.equals("executeBatch")) {
                                    throw new SQLException("connection lost after the batch");
                                  }
                                  return sr;
                                })
                            : r)
                : result);
  }

  /** What a {@link #proxy} does with the result of each call, by the method's name. */
  private interface AfterCall {
    Object apply(String method, Object result) throws SQLException;
  }

  private static <T> T proxy(Class<T> type, T target, AfterCall after) {
    return type.cast(
        Proxy.newProxyInstance(
            PaymentBatchHandlerTest.class.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              Object result;
              try {
                result = method.invoke(target, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
              return after.apply(method.getName(), result);
            }));
  }

  private int ledgerEntries() throws SQLException {
    return (int) queryLong("SELECT COUNT(*) FROM payment_ledger WHERE entry_type = ?", "CAPTURE");
  }

  private long balanceFromLedger(String accountId) throws SQLException {
    return queryLong("SELECT balance_cents FROM payment_balance WHERE account_id = ?", accountId);
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
