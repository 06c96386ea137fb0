package io.idempo.examples.outbox;

import io.idempo.examples.SqlScript;
import java.sql.SQLException;
import javax.sql.DataSource;

/** The outbox example's own tables: {@code schema.sql} in this package's resources. */
public final class OutboxExampleSchema {

  private OutboxExampleSchema() {}

  /** Creates the payments and loyalty tables unless they exist. */
  public static void create(DataSource dataSource) throws SQLException {
    SqlScript.run(dataSource, OutboxExampleSchema.class, "schema.sql");
  }
}
