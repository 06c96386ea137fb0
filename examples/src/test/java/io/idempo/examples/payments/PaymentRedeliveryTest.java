package io.idempo.examples.payments;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.examples.TestDatabases;
import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import io.idempo.test.ClaimLog;
import io.idempo.test.FailingDataSource;
import io.idempo.test.JdbcState;
import io.idempo.test.NotIdempotentError;
import io.idempo.test.Redelivery;
import io.idempo.test.RedeliveryReport;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The payments handlers under the test kit ({@code idempo-test}): it catches the naive listener's
 * double charge and shows the diff, and the generated wrapper passes every redelivery variant.
 * {@code payment_ledger.entry_id}, an identity column, is matched structurally: #1, #2, … in the
 * order of its values.
 */
class PaymentRedeliveryTest {

  private static final PaymentCaptured EVENT =
      new PaymentCaptured(
          UUID.fromString("6c1a0f7e-4a53-4d2b-9a55-0c3cf0b9e001"), "acct-0001", 12_50, "ada@example.com");

  private DataSource database;
  private JdbcIdempotencyStore store;
  private final ClaimLog claims = new ClaimLog();

  @BeforeEach
  void setUp() throws SQLException {
    database = TestDatabases.h2();
    PaymentsSchema.create(database);
    store = JdbcIdempotencyStore.builder(database).listener(claims).build();
    store.createTableIfMissing();
    reset();
  }

  private void reset() throws SQLException {
    PaymentsSchema.reset(database, List.of("acct-0001"));
    try (Connection connection = database.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("DELETE FROM " + store.tableName());
    }
  }

  /** The one line of docs/test-kit.md that catches the naive handler's double charge. */
  private void redeliverToTheNaiveHandler() {
    NaivePaymentHandler naive = new NaivePaymentHandler(database);
    Redelivery.of(naive::onMessage)
        .observing(JdbcState.tables(database, "payment_ledger", "payment_account"))
        .with(EVENT)
        .assertSameEffectAsOnce();
  }

  @Test
  void theKit_catchesTheNaiveHandlersDoubleCharge() {
    NotIdempotentError error = assertThrows(NotIdempotentError.class, this::redeliverToTheNaiveHandler);

    assertThat(error)
        .hasMessageThat()
        .isEqualTo(
            "Delivering PaymentCaptured[paymentId=6c1a0f7e-4a53-4d2b-9a55-0c3cf0b9e001,"
                + " accountId=acct-0001, amountCents=1250, customerEmail=ada@example.com] twice did"
                + " not have the same effect as delivering it once:\n"
                + "payment_ledger: 1 row after one delivery, 2 rows after two:\n"
                + "  + {entry_id=#2, payment_id=6c1a0f7e-4a53-4d2b-9a55-0c3cf0b9e001, account_id=acct-0001,"
                + " entry_type=CAPTURE, amount_cents=1250}\n"
                + "payment_account: 1 row after one delivery and two, not the same:\n"
                + "  ~ {account_id=acct-0001} balance_cents: 1250 after one delivery, 2500 after two");
  }

  @Test
  void theWrapper_passes_andTheReportSaysTheWrapperMadeItSafe() {
    PaymentHandler handler = new IdempotentPaymentHandler(store, store.dataSource());

    RedeliveryReport report =
        Redelivery.of(handler::capture)
            .observing(JdbcState.tables(database, "payment_ledger", "payment_account"))
            .watchingClaims(claims)
            .with(EVENT)
            .deliveredTimes(3)
            .check();

    assertThat(report.sameEffect()).isTrue();
    assertThat(report.message())
        .endsWith(
            "The Idempo wrapper made it safe: it recognised the redelivery of"
                + " payments.capture/6c1a0f7e-4a53-4d2b-9a55-0c3cf0b9e001 as a duplicate and did not"
                + " run the handler again.");
  }

  @Test
  void theWrapper_passesConcurrentDeliveries_andARedeliveryAfterACrashHalfWay() {
    PaymentHandler handler = new IdempotentPaymentHandler(store, store.dataSource());
    PaymentHandler crashing =
        new IdempotentPaymentHandler(store, FailingDataSource.afterWrites(store.dataSource(), 1));
    Redelivery<PaymentCaptured> redelivery =
        Redelivery.of(handler::capture)
            .observing(JdbcState.tables(database, "payment_ledger", "payment_account"))
            .startingFrom(this::reset);

    redelivery.with(EVENT).concurrently(4).assertSameEffectAsOnce();
    redelivery.with(EVENT).afterFailedDelivery(crashing::capture).assertSameEffectAsOnce();
  }
}
