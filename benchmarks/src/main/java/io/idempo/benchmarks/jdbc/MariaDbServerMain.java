package io.idempo.benchmarks.jdbc;

import io.idempo.runtime.jdbc.SharedMariaDb;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Starts the run's MariaDB server ({@link SharedMariaDb}: the MariaDB build of Maven Central's
 * binaries jar, with its default durable commits), writes its JDBC URL to the file named by the
 * first argument, prints its version and settings, and keeps it running until this process is
 * stopped (SIGTERM stops the server cleanly). The JMH forks reach it through the system property
 * {@value SharedMariaDb#URL_PROPERTY}.
 */
public final class MariaDbServerMain {

  private MariaDbServerMain() {}

  public static void main(String[] args) throws IOException, SQLException, InterruptedException {
    if (args.length != 1) {
      System.err.println("usage: MariaDbServerMain URL_FILE");
      System.exit(2);
    }
    String url = SharedMariaDb.serverUrl();
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT VERSION(), @@innodb_flush_log_at_trx_commit, @@transaction_isolation,"
                    + " @@innodb_buffer_pool_size, @@log_bin")) {
      rows.next();
      System.out.printf(
          "MariaDB %s at %s (innodb_flush_log_at_trx_commit=%s, %s, innodb_buffer_pool_size=%d MiB,"
              + " log_bin=%s)%n",
          rows.getString(1),
          url,
          rows.getString(2),
          rows.getString(3),
          rows.getLong(4) >> 20,
          rows.getString(5));
    }
    Path urlFile = Path.of(args[0]);
    Path partial = urlFile.resolveSibling(urlFile.getFileName() + ".tmp");
    Files.writeString(partial, url, StandardCharsets.UTF_8);
    Files.move(partial, urlFile);
    System.out.flush();
    Thread.currentThread().join();
  }
}
