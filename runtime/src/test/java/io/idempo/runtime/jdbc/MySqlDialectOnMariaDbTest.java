package io.idempo.runtime.jdbc;

/**
 * Everything {@link MariaDbIdempotencyStoreTest} proves, with the store on {@link Dialect#MYSQL}:
 * what MySQL's driver picks for MySQL and MariaDB servers alike. Its SQL is MariaDB's; its lock
 * waits are bounded by a session setting around the claim statements instead of inside them, which
 * this runs on a real server. (The tests start no MySQL server: set {@value
 * SharedMariaDb#URL_PROPERTY} to run them on one.)
 */
class MySqlDialectOnMariaDbTest extends MariaDbIdempotencyStoreTest {

  @Override
  protected Dialect expectedDialect() {
    return Dialect.MYSQL;
  }

  @Override
  protected JdbcIdempotencyStore.Builder storeBuilder(javax.sql.DataSource dataSource) {
    return super.storeBuilder(dataSource).dialect(Dialect.MYSQL);
  }
}
