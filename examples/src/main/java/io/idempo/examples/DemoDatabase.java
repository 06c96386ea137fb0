package io.idempo.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;

/** The demo's connection pool: embedded in-memory H2 by default, or the database of a URL. */
final class DemoDatabase implements AutoCloseable {

  /** The embedded database: in memory, gone when the demo ends. */
  static final String EMBEDDED_URL = "jdbc:h2:mem:idempo-demo";

  private final HikariDataSource pool;
  private final String description;

  private DemoDatabase(HikariDataSource pool, String description) {
    this.pool = pool;
    this.description = description;
  }

  /**
   * Opens a pool of {@code size} connections to {@code options}' database.
   *
   * @throws IllegalStateException with a one-line message if the database cannot be reached
   */
  static DemoDatabase open(DemoOptions options, int size) {
    String url = options.embedded() ? EMBEDDED_URL : options.jdbcUrl();
    HikariConfig config = new HikariConfig();
    config.setPoolName("idempo-demo");
    config.setJdbcUrl(url);
    if (options.user() != null) {
      config.setUsername(options.user());
    }
    if (options.password() != null) {
      config.setPassword(options.password());
    }
    config.setMaximumPoolSize(size);
    config.setConnectionTimeout(10_000);
    try {
      return new DemoDatabase(
          new HikariDataSource(config),
          options.embedded() ? "embedded H2 (" + url + ")" : redacted(url));
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot connect to " + redacted(url) + ": " + rootMessage(e), e);
    }
  }

  DataSource dataSource() {
    return pool;
  }

  /** The database, for the output; never includes the password. */
  String description() {
    return description;
  }

  @Override
  public void close() {
    pool.close();
  }

  /** {@code url} with the value of a {@code password} parameter masked. */
  static String redacted(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null ? root.getClass().getSimpleName() : message.lines().findFirst().orElse("");
  }
}
