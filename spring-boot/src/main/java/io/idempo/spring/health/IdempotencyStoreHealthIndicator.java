package io.idempo.spring.health;

import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The health of a {@link JdbcIdempotencyStore}: UP when its claims table can be read through the
 * store's DataSource, DOWN with the reason when the database cannot be reached or the table cannot
 * be read (missing, or no permission). One cheap query that reads at most one row.
 */
public final class IdempotencyStoreHealthIndicator extends AbstractHealthIndicator {

  private final JdbcIdempotencyStore store;

  /** Checks {@code store}'s table. */
  public IdempotencyStoreHealthIndicator(JdbcIdempotencyStore store) {
    super("Idempotency store health check failed");
    this.store = Objects.requireNonNull(store, "store");
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    String table = store.tableName();
    builder.withDetail("database", store.dialect().productName()).withDetail("table", table);
    try (Connection connection = store.dataSource().getConnection()) {
      try (Statement statement = connection.createStatement()) {
        statement.execute(probe(store));
        builder.up();
      } catch (SQLException e) {
        builder
            .down()
            .withDetail(
                "error",
                "idempotency table "
                    + table
                    + " cannot be read: "
                    + e.getMessage()
                    + ". If it is missing, create it: set idempo.jdbc.initialize-schema=always,"
                    + " or run "
                    + store.dialect().ddlResource()
                    + " in a migration");
      }
    } catch (SQLException e) {
      builder
          .down()
          .withDetail(
              "error",
              "cannot connect to the database of idempotency table "
                  + table
                  + ": "
                  + e.getMessage());
    }
  }

  /**
   * The probe: reads at most one row of the store's table. The table name is the only text put
   * into it, and the store validated that name when it was built ({@code [schema.]table} of
   * letters, digits and underscores).
   */
  static String probe(JdbcIdempotencyStore store) {
    return "SELECT 1 FROM " + store.tableName() + " FETCH FIRST 1 ROWS ONLY";
  }
}
