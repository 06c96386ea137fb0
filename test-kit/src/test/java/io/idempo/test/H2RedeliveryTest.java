package io.idempo.test;

import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** {@link JdbcRedeliveryContract} on H2. */
class H2RedeliveryTest extends JdbcRedeliveryContract {

  private static final AtomicInteger DATABASES = new AtomicInteger();

  @Override
  DataSource freshDatabase() {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:kit-" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
    return dataSource;
  }
}
