package io.idempo.examples;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.examples.inventory.IdempotentInventoryHandler;
import io.idempo.examples.inventory.InventoryHandler;
import io.idempo.examples.inventory.InventorySchema;
import io.idempo.examples.inventory.OrderPlaced;
import io.idempo.examples.notifications.IdempotentReceiptMailer;
import io.idempo.examples.notifications.InMemoryMailSink;
import io.idempo.examples.notifications.ReceiptMailer;
import io.idempo.examples.payments.IdempotentPaymentHandler;
import io.idempo.examples.payments.NaivePaymentHandler;
import io.idempo.examples.payments.PaymentCaptured;
import io.idempo.examples.payments.PaymentHandler;
import io.idempo.examples.payments.PaymentsSchema;
import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import io.idempo.test.ClaimLog;
import io.idempo.test.JdbcState;
import io.idempo.test.MessageState;
import io.idempo.test.NotIdempotentError;
import io.idempo.test.Redeliveries;
import io.idempo.test.RedeliveryExtension;
import io.idempo.test.RedeliveryReport;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every handler of the examples under the test kit's JUnit 5 extension, one line per handler
 * test: the state is declared once for the class (the whole schema and the mails sent), the claim
 * log comes from the extension, and each report says whether the wrapper or the handler body kept
 * a redelivery's effect the same.
 */
class HandlersRedeliveryTest {

  private static final PaymentCaptured PAYMENT =
      new PaymentCaptured(
          UUID.fromString("6c1a0f7e-4a53-4d2b-9a55-0c3cf0b9e001"), "acct-0001", 12_50, "ada@example.com");
  private static final OrderPlaced ORDER = new OrderPlaced("order-1001", "SKU-MUG", 3);

  private final DataSource database = TestDatabases.h2();
  private final InMemoryMailSink mails = new InMemoryMailSink();
  private JdbcIdempotencyStore store;

  @RegisterExtension
  final RedeliveryExtension redelivery =
      RedeliveryExtension.observing(
              JdbcState.schema(database).ignoringTables("idempo_claims"),
              MessageState.of("mails", mails::sent))
          .startingFrom(this::reset);

  @BeforeEach
  void setUp(ClaimLog claims) throws SQLException {
    PaymentsSchema.create(database);
    InventorySchema.create(database);
    store = JdbcIdempotencyStore.builder(database).listener(claims).build();
    store.createTableIfMissing();
  }

  private void reset() throws SQLException {
    PaymentsSchema.reset(database, List.of("acct-0001"));
    try (Connection connection = database.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("DELETE FROM inventory_reservation");
      statement.execute("DELETE FROM " + store.tableName());
    }
    InventorySchema.setOnHand(database, "SKU-MUG", 10);
  }

  @Test
  void payments(Redeliveries redeliveries) {
    PaymentHandler handler = new IdempotentPaymentHandler(store, store.dataSource());
    redeliveries.of(handler::capture).with(PAYMENT).assertSameEffectAsOnce();
  }

  @Test
  void naivePayments_chargeTwice(Redeliveries redeliveries) {
    NaivePaymentHandler naive = new NaivePaymentHandler(database);

    NotIdempotentError error =
        assertThrows(
            NotIdempotentError.class,
            () -> redeliveries.of(naive::onMessage).with(PAYMENT).assertSameEffectAsOnce());

    assertThat(error.report().changedTables()).containsExactly("payment_account", "payment_ledger").inOrder();
    assertThat(error)
        .hasMessageThat()
        .endsWith(
            "No Idempo claim was observed: the handler body ran on every delivery. Wrap it"
                + " (@IdempotentHandler) or make the write itself idempotent.");
  }

  @Test
  void inventory(Redeliveries redeliveries) {
    InventoryHandler handler = new IdempotentInventoryHandler(store, store.dataSource());
    redeliveries.of(handler::reserve).with(ORDER).assertSameEffectAsOnce();
  }

  @Test
  void inventoryUnwrapped_isIdempotentByItself(Redeliveries redeliveries) {
    RedeliveryReport report = redeliveries.of(new InventoryHandler(database)::reserve).with(ORDER).check();

    assertThat(report.sameEffect()).isTrue();
    assertThat(report.wrapper()).isEqualTo(RedeliveryReport.Wrapper.NO_CLAIMS);
    assertThat(report.message())
        .endsWith(
            "No Idempo claim was observed: the handler body ran on every delivery and is idempotent by"
                + " itself.");
  }

  @Test
  void receipts(Redeliveries redeliveries) {
    ReceiptMailer mailer = new IdempotentReceiptMailer(store, mails);
    redeliveries.of(mailer::sendReceipt).with(PAYMENT).assertSameEffectAsOnce();
  }

  @Test
  void receiptsUnwrapped_mailTwice(Redeliveries redeliveries) {
    RedeliveryReport report = redeliveries.of(new ReceiptMailer(mails)::sendReceipt).with(PAYMENT).check();

    assertThat(report.sameEffect()).isFalse();
    assertThat(report.message())
        .contains(
            "mails: 1 row after one delivery, 2 rows after two:\n"
                + "  + {message=Mail[messageId=<receipt.6c1a0f7e-4a53-4d2b-9a55-0c3cf0b9e001@payments.example.com>");
  }
}
