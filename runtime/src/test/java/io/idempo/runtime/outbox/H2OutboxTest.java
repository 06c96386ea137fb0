package io.idempo.runtime.outbox;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.runtime.jdbc.Dialect;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** The outbox contract on H2, one in-memory database per test. */
class H2OutboxTest extends OutboxContract {

  @Override
  DataSource freshDatabase() {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    return h2;
  }

  @Override
  Dialect expectedDialect() {
    return Dialect.H2;
  }

  @Test
  void aMissingTableInADatabaseWithNoTableAtAllIsReportedWithTheFix() {
    // H2 reports a missing table in a database that has none as error 42104 (SQLState 42S04),
    // not 42102: the hint must come all the same.
    DataSource empty = freshDatabase();
    JdbcOutbox outbox = JdbcOutbox.builder(empty).requireTransaction(false).build();
    OutboxException send =
        assertThrows(
            OutboxException.class, () -> outbox.send(OutboxMessage.of(TOPIC, "k", new byte[0])));
    assertThat(send).hasMessageThat().contains("createTableIfMissing()");
    assertThat(send).hasMessageThat().contains(outbox.ddlResource());

    OutboxRelay relay = OutboxRelay.builder(empty, publisher).build();
    OutboxException poll = assertThrows(OutboxException.class, relay::runOnce);
    assertThat(poll).hasMessageThat().contains("createTableIfMissing()");
  }
}
