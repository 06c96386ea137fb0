package io.idempo.test;

import io.idempo.runtime.jdbc.SharedPostgres;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;

/** {@link JdbcRedeliveryContract} on PostgreSQL, one fresh schema per test. */
class PostgresRedeliveryTest extends JdbcRedeliveryContract {

  @Override
  DataSource freshDatabase() {
    return SharedPostgres.freshSchema();
  }

  @AfterEach
  void closePool() {
    SharedPostgres.close(database);
  }
}
