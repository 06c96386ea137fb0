package io.idempo.test;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link JdbcState} reads and leaves out, and how the kit names a table it cannot find. */
class JdbcStateTest {

  private static final Payment PAYMENT = new Payment("p-1", "acct-1", 1000);

  private DataSource database;

  @BeforeEach
  void setUp() throws SQLException {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:state-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    database = h2;
    Sql.create(database);
    Sql.reset(database);
    Sql.update(database, "CREATE TABLE audit (payment_id VARCHAR(36) NOT NULL, note VARCHAR(64))");
  }

  @Test
  void rowsWithoutKey_areAMultiset_soAnIdenticalSecondRowIsReported() {
    RedeliveryReport report =
        Redelivery.<Payment>of(p -> Sql.update(database, "INSERT INTO audit VALUES (?, 'seen')", p.id()))
            .observing(JdbcState.tables(database, "audit"))
            .with(PAYMENT)
            .check();

    assertThat(report.message())
        .contains("audit: 1 row after one delivery, 2 rows after two:\n  + {payment_id=p-1, note=seen}");
  }

  @Test
  void generatedIds_areLabelledInTheirOrder_comparedIfIncluded_andLeftOutIfIgnored() throws Exception {
    for (String payment : new String[] {"p-0", "p-1", "p-2"}) {
      Sql.update(
          database,
          "INSERT INTO ledger (payment_id, amount_cents, booked_at) VALUES (?, 5, CURRENT_TIMESTAMP)",
          payment);
    }
    Sql.update(database, "DELETE FROM ledger WHERE payment_id = 'p-0'");

    Table labelled =
        JdbcState.tables(database, "ledger").ignoringColumns("ledger.booked_at").snapshot().get(0);
    Table raw =
        JdbcState.tables(database, "LEDGER")
            .ignoringColumns("booked_at")
            .includingGeneratedColumns()
            .snapshot()
            .get(0);
    Table leftOut =
        JdbcState.tables(database, "ledger").ignoringColumns("booked_at", "entry_id").snapshot().get(0);

    assertThat(labelled.keyColumns()).containsExactly("entry_id");
    assertThat(labelled.rows().stream().map(Row::toString).sorted().toList())
        .containsExactly(
            "{entry_id=#1, payment_id=p-1, amount_cents=5}", "{entry_id=#2, payment_id=p-2, amount_cents=5}")
        .inOrder();
    assertThat(raw.name()).isEqualTo("ledger");
    assertThat(raw.rows().stream().map(Row::toString).sorted().toList())
        .containsExactly(
            "{entry_id=2, payment_id=p-1, amount_cents=5}", "{entry_id=3, payment_id=p-2, amount_cents=5}")
        .inOrder();
    assertThat(leftOut.keyColumns()).isEmpty();
    assertThat(leftOut.rows().get(0).values().keySet()).containsExactly("payment_id", "amount_cents").inOrder();
  }

  @Test
  void schema_readsEveryTable_butTheIgnoredOnes() throws Exception {
    List<Table> tables = JdbcState.schema(database).ignoringTables("Processed").snapshot();

    assertThat(tables.stream().map(Table::name).toList())
        .containsExactly("account", "audit", "ledger", "stock")
        .inOrder();
  }

  @Test
  void unknownTable_isNamed_withTheTablesThatExist() {
    IllegalStateException error =
        assertThrows(
            IllegalStateException.class,
            () ->
                Redelivery.<Payment>of(p -> {})
                    .observing(JdbcState.tables(database, "ledgr"))
                    .with(PAYMENT)
                    .check());

    assertThat(error)
        .hasMessageThat()
        .contains("no table ledgr in schema PUBLIC; its tables are [account, audit, ledger, processed, stock]");
  }

  @Test
  void aSetupThatDoesNotRestoreTheStart_isReported() {
    IllegalStateException error =
        assertThrows(
            IllegalStateException.class,
            () ->
                Redelivery.<Payment>of(
                        p -> Sql.update(database, "UPDATE account SET status = 'PAID' WHERE id = ?", p.account()))
                    .observing(JdbcState.tables(database, "account"))
                    .startingFrom(() -> {})
                    .with(PAYMENT)
                    .concurrently(2)
                    .check());

    assertThat(error)
        .hasMessageThat()
        .contains("the setup given to startingFrom did not bring the state back");
    assertThat(error).hasMessageThat().contains("~ {id=acct-1} status: NEW at the first start, PAID at the second");
  }
}
