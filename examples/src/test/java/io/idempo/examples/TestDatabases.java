package io.idempo.examples;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Databases for tests: a fresh in-memory H2 database per call, and a fresh database on one
 * embedded PostgreSQL server per test JVM.
 */
public final class TestDatabases {

  private static final AtomicInteger COUNTER = new AtomicInteger();

  private TestDatabases() {}

  /** The JDBC URL of a new, empty in-memory H2 database. */
  public static String h2Url() {
    return "jdbc:h2:mem:test-" + COUNTER.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
  }

  /** A new, empty in-memory H2 database. */
  public static DataSource h2() {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL(h2Url());
    return dataSource;
  }

  /**
   * The JDBC URL of a new, empty database on the embedded PostgreSQL server (user {@code
   * postgres}, no password), starting the server on first use.
   */
  public static String postgresUrl() {
    String name = "test_" + COUNTER.incrementAndGet();
    try (Connection connection = Postgres.SERVER.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return Postgres.SERVER.getJdbcUrl("postgres", name);
  }

  /** Holds the server; started when first used, stopped when the JVM exits. */
  private static final class Postgres {
    static final EmbeddedPostgres SERVER = start();

    private static EmbeddedPostgres start() {
      try {
        EmbeddedPostgres server = EmbeddedPostgres.start();
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      try {
                        server.close();
                      } catch (IOException e) {
                        // The JVM is exiting; the temporary data directory is removed anyway.
                      }
                    }));
        return server;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
      }
    }
  }
}
