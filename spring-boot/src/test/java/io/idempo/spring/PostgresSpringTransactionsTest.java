package io.idempo.spring;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.runtime.IdempotencyStoreException;
import io.idempo.runtime.jdbc.SharedPostgres;
import io.idempo.spring.app.PaymentCaptured;
import io.idempo.spring.app.SettlementHandler;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link SpringTransactionsContract} on a real PostgreSQL (embedded, one server per test JVM, a
 * schema of this class's own), plus a commit that the database itself refuses.
 */
class PostgresSpringTransactionsTest extends SpringTransactionsContract {

  private static final AtomicInteger SCHEMAS = new AtomicInteger();

  @Autowired SettlementHandler settlementHandler;

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) throws SQLException {
    String schema = "spring_" + SCHEMAS.incrementAndGet() + "_" + ProcessHandle.current().pid();
    try (Connection c = SharedPostgres.admin().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    registry.add(
        "spring.datasource.url",
        () -> SharedPostgres.server().getJdbcUrl("postgres", "postgres") + "&currentSchema=" + schema);
    registry.add("idempo.jdbc.initialize-schema", () -> "always");
    registry.add("spring.sql.init.schema-locations", () -> "classpath:schema.sql,classpath:pg/settlement.sql");
  }

  @Test
  void aCommitThatTheDatabaseRefusesLeavesNothingAndTheKeyFree() {
    // Two settlement rows for one payment violate a deferred unique constraint, checked at commit.
    PaymentCaptured event = event("p-1");
    IdempotencyStoreException thrown =
        assertThrows(IdempotencyStoreException.class, () -> settlementHandler.settle(event, 2));
    assertThat(thrown).hasMessageThat().contains("cannot commit the transaction of handler");
    assertThat(settlements()).isEqualTo(0);
    assertThat(claims()).isEqualTo(0);

    settlementHandler.settle(event, 1);
    settlementHandler.settle(event, 1);
    assertThat(settlements()).isEqualTo(1);
    assertThat(claims()).isEqualTo(1);
  }

  private int settlements() {
    return jdbc.queryForObject("SELECT COUNT(*) FROM settlement", Integer.class);
  }
}
