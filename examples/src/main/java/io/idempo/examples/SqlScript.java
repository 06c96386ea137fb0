package io.idempo.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Runs the {@code .sql} files that ship the examples' schemas: statements separated by {@code ;},
 * with {@code --} comment lines. Each statement runs on its own, in auto-commit mode.
 */
public final class SqlScript {

  private SqlScript() {}

  /** Runs the script {@code resource}, found next to {@code anchor}, on {@code dataSource}. */
  public static void run(DataSource dataSource, Class<?> anchor, String resource) throws SQLException {
    List<String> statements = statements(read(anchor, resource));
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      connection.setAutoCommit(true);
      for (String sql : statements) {
        try {
          statement.execute(sql);
        } catch (SQLException e) {
          throw new SQLException(
              resource + ": " + e.getMessage() + " in statement: " + sql, e.getSQLState(), e);
        }
      }
    }
  }

  /** The statements of {@code script}, without comments and blank lines. */
  static List<String> statements(String script) {
    StringBuilder text = new StringBuilder();
    for (String line : script.split("\n", -1)) {
      if (!line.strip().startsWith("--")) {
        text.append(line).append('\n');
      }
    }
    List<String> statements = new ArrayList<>();
    for (String statement : text.toString().split(";", -1)) {
      if (!statement.isBlank()) {
        statements.add(statement.strip());
      }
    }
    return statements;
  }

  private static String read(Class<?> anchor, String resource) {
    try (InputStream in = anchor.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "SQL script " + resource + " not found next to " + anchor.getName());
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read SQL script " + resource, e);
    }
  }
}
