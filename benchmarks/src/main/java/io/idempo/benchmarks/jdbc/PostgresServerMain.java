package io.idempo.benchmarks.jdbc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Starts the run's PostgreSQL server (durable commits, see {@link EmbeddedPostgresServer}), writes
 * its port to the file named by the first argument, prints its version and settings, and keeps it
 * running until this process is stopped (SIGTERM stops the server cleanly).
 */
public final class PostgresServerMain {

  private PostgresServerMain() {}

  public static void main(String[] args) throws IOException, SQLException, InterruptedException {
    if (args.length != 1) {
      System.err.println("usage: PostgresServerMain PORT_FILE");
      System.exit(2);
    }
    int port = EmbeddedPostgresServer.startEmbedded();
    System.setProperty(EmbeddedPostgresServer.PORT_PROPERTY, Integer.toString(port));
    try (Connection connection = EmbeddedPostgresServer.get().adminConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT current_setting('server_version'), current_setting('fsync'),"
                    + " current_setting('synchronous_commit'), current_setting('full_page_writes')")) {
      rows.next();
      System.out.printf(
          "PostgreSQL %s on port %d (fsync=%s, synchronous_commit=%s, full_page_writes=%s)%n",
          rows.getString(1), port, rows.getString(2), rows.getString(3), rows.getString(4));
    }
    Path portFile = Path.of(args[0]);
    Path partial = portFile.resolveSibling(portFile.getFileName() + ".tmp");
    Files.writeString(partial, Integer.toString(port), StandardCharsets.UTF_8);
    Files.move(partial, portFile);
    System.out.flush();
    Thread.currentThread().join();
  }
}
