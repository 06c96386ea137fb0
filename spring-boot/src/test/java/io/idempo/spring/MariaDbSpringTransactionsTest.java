package io.idempo.spring;

import io.idempo.runtime.jdbc.SharedMariaDb;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link SpringTransactionsContract} on a real MariaDB (InnoDB, REPEATABLE READ; the runtime tests'
 * server, one per test JVM, a database of this class's own): claims join Spring's transactions
 * there as on H2 and PostgreSQL.
 */
class MariaDbSpringTransactionsTest extends SpringTransactionsContract {

  @DynamicPropertySource
  static void mariadb(DynamicPropertyRegistry registry) {
    String database = "spring_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
    SharedMariaDb.execute("CREATE DATABASE " + database);
    registry.add("spring.datasource.url", () -> SharedMariaDb.url(database));
    registry.add("idempo.jdbc.initialize-schema", () -> "always");
    registry.add("spring.sql.init.schema-locations", () -> "classpath:mysql/schema.sql");
  }
}
