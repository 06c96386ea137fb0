package io.idempo.reliability;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * One real PostgreSQL server per test JVM, started on first use, on a fixed port and data directory
 * so that the fault suite can {@link #kill() kill} it and {@link #restart() start it again} on the
 * same data. Suites stay independent by each using a {@link #freshSchema fresh schema}.
 */
final class Postgres {

  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static EmbeddedPostgres server;
  private static Path dataDirectory;
  private static int port;

  private Postgres() {}

  /** Starts the server if it is not running. */
  static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        if (dataDirectory == null) {
          dataDirectory = Files.createTempDirectory("idempo-reliability-pg");
          port = freePort();
          Runtime.getRuntime().addShutdownHook(new Thread(Postgres::stopAndDelete, "postgres-stop"));
        }
        server =
            EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setServerConfig("max_connections", "300")
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
      }
    }
    return server;
  }

  /** Stops the server at once (its clients see their connections drop); the data stays. */
  static synchronized void kill() throws IOException {
    if (server != null) {
      EmbeddedPostgres running = server;
      server = null;
      running.close();
    }
  }

  /** Starts the server again on the same port and data directory. */
  static synchronized void restart() {
    server();
  }

  /** A JDBC URL for schema {@code schema}, with timeouts so that a dead server never hangs a client. */
  static String url(String schema) {
    server();
    return "jdbc:postgresql://localhost:"
        + port
        + "/postgres?user=postgres&currentSchema="
        + schema
        + "&connectTimeout=5&socketTimeout=60&loginTimeout=10&reWriteBatchedInserts=true";
  }

  /** A superuser DataSource on the {@code postgres} database. */
  static DataSource admin() {
    return server().getPostgresDatabase();
  }

  /** Creates a new, empty schema and returns its name. */
  static String freshSchema(String prefix) {
    String schema = prefix + "_" + SCHEMAS.incrementAndGet();
    try (Connection c = admin().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create schema " + schema, e);
    }
    return schema;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void stopAndDelete() {
    try {
      kill();
    } catch (IOException e) {
      // The JVM is exiting; the directory is removed below either way.
    }
    if (dataDirectory != null) {
      try (Stream<Path> paths = Files.walk(dataDirectory)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // Best effort: a temporary directory.
      }
    }
  }
}
