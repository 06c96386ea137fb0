package io.idempo.spring.http;

import io.idempo.runtime.jdbc.SharedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link HttpEndpointContract} on a real PostgreSQL (embedded, one server per test JVM, a schema
 * of this class's own).
 */
class PostgresHttpEndpointTest extends HttpEndpointContract {

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) throws SQLException {
    String schema = "http_" + ProcessHandle.current().pid();
    try (Connection c = SharedPostgres.admin().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    registry.add(
        "spring.datasource.url",
        () -> SharedPostgres.server().getJdbcUrl("postgres", "postgres") + "&currentSchema=" + schema);
    registry.add("idempo.jdbc.initialize-schema", () -> "always");
  }
}
