package io.idempo.runtime.outbox;

import io.idempo.runtime.jdbc.Dialect;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

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
}
