package io.idempo.benchmarks.jdbc;

import io.idempo.benchmarks.Delivery;
import io.idempo.benchmarks.memory.KeyMessage;
import io.idempo.runtime.HandlerDescriptor;
import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.springframework.integration.jdbc.metadata.JdbcMetadataStore;
import org.springframework.integration.selector.MetadataStoreSelector;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The JDBC implementations. Each delivery does the same work, one ledger insert in a transaction,
 * plus the implementation's dedup:
 *
 * <ul>
 *   <li>{@code idempo-tx}, {@code idempo-lease}: Idempo's JDBC store in its two modes, called as
 *       generated code calls it ({@link IdempoDeliveries});
 *   <li>{@code limit}: the work alone, for every delivery, in plain JDBC;
 *   <li>{@code handwritten}: the event-id table written by hand, in plain JDBC: the event id goes
 *       into a key-only table in the work's transaction, and a duplicate rolls back. No result to
 *       replay, no ttl index, no lease mode: the least any dedup row in the work's transaction
 *       costs, against which {@code idempo-tx}'s own columns and index are measured;
 *   <li>{@code handwritten-wide}, on demand only (not in {@link #ALL}): the same hand-written
 *       pattern, but its row is Idempo's, in Idempo's own table (the same columns, values and
 *       indexes, created by {@link JdbcIdempotencyStore#createTableIfMissing()}). Measured beside
 *       {@code handwritten} and {@code idempo-tx}, it splits their difference into what the row
 *       costs and what Idempo's code costs;
 *   <li>{@code camel-jdbc}, {@code spring-jdbc}: the peer's repository as configured by default,
 *       which records the key in its own transaction (Camel) or in auto-commit (Spring) before the
 *       work's transaction;
 *   <li>{@code camel-jdbc-tx}, {@code spring-jdbc-tx}: the same repository joined to the work's
 *       transaction through a shared Spring {@link TransactionTemplate}, so the key and the work
 *       commit together.
 * </ul>
 *
 * <p>In the peers' configurations the work goes through Spring's {@link JdbcTemplate} and {@link
 * TransactionTemplate}, as in an application built on them. When the work fails, the default
 * configurations remove the key again, as Camel's idempotent consumer and Spring's idempotent
 * receiver do.
 */
public final class JdbcDeliveries {

  public static final String IDEMPO_TX = "idempo-tx";
  public static final String IDEMPO_LEASE = "idempo-lease";
  public static final String CAMEL = "camel-jdbc";
  public static final String CAMEL_TX = "camel-jdbc-tx";
  public static final String SPRING = "spring-jdbc";
  public static final String SPRING_TX = "spring-jdbc-tx";
  public static final String HANDWRITTEN = "handwritten";
  public static final String HANDWRITTEN_WIDE = "handwritten-wide";
  public static final String LIMIT = "limit";

  /** Every implementation, in report order. */
  public static final List<String> ALL =
      List.of(IDEMPO_TX, IDEMPO_LEASE, CAMEL, CAMEL_TX, SPRING, SPRING_TX, HANDWRITTEN, LIMIT);

  /** Diagnostic implementations, run only when named. */
  public static final List<String> DIAGNOSTIC = List.of(HANDWRITTEN_WIDE);

  /** {@code handwritten-wide}'s table: Idempo's, under a name of its own. */
  private static final String WIDE_TABLE = "handwritten_claims";

  /** The amount every ledger row records. */
  static final long AMOUNT = 100;

  private static final String PROCESSOR_NAME = "ledger";

  private JdbcDeliveries() {}

  /**
   * Implementation {@code name} over {@code dataSource}, whose database already has the tables
   * ({@link Database} creates them).
   */
  public static Delivery create(String name, DataSource dataSource) {
    return switch (name) {
      case IDEMPO_TX -> IdempoDeliveries.transactional(dataSource);
      case IDEMPO_LEASE -> IdempoDeliveries.lease(dataSource);
      case CAMEL -> camel(dataSource);
      case CAMEL_TX -> camelJoined(dataSource);
      case SPRING -> spring(dataSource);
      case SPRING_TX -> springJoined(dataSource);
      case HANDWRITTEN -> handwritten(dataSource);
      case HANDWRITTEN_WIDE -> handwrittenWide(dataSource);
      case LIMIT -> limit(dataSource);
      default ->
          throw new IllegalArgumentException(
              "unknown JDBC implementation '"
                  + name
                  + "'; use one of "
                  + ALL
                  + " or, for diagnosis, "
                  + DIAGNOSTIC);
    };
  }

  /** The work itself, on a connection the caller manages. */
  static void insertLedger(Connection connection, String key) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(Database.INSERT_LEDGER)) {
      insert.setString(1, key);
      insert.setLong(2, AMOUNT);
      insert.executeUpdate();
    }
  }

  /** Plain-JDBC work in one transaction: true to commit, false to roll back. */
  @FunctionalInterface
  interface TransactionBody {
    boolean run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code body} in a transaction on {@code connection}: commits if it returns true, rolls
   * back if it returns false or throws, and leaves the connection in auto-commit.
   */
  static boolean inTransaction(Connection connection, TransactionBody body) throws SQLException {
    connection.setAutoCommit(false);
    try {
      boolean commit = body.run(connection);
      if (commit) {
        connection.commit();
      } else {
        connection.rollback();
      }
      return commit;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  private static Delivery limit(DataSource dataSource) {
    return key -> {
      try (Connection connection = dataSource.getConnection()) {
        return inTransaction(
            connection,
            c -> {
              insertLedger(c, key);
              return true;
            });
      } catch (SQLException e) {
        throw new IllegalStateException("ledger insert failed for key " + key, e);
      }
    };
  }

  private static Delivery handwritten(DataSource dataSource) {
    return eventIdPattern(
        dataSource, Database.INSERT_EVENT_ID, (insert, key) -> insert.setString(1, key));
  }

  private static Delivery handwrittenWide(DataSource dataSource) {
    JdbcIdempotencyStore.builder(dataSource).tableName(WIDE_TABLE).build().createTableIfMissing();
    return eventIdPattern(
        dataSource,
        "INSERT INTO "
            + WIDE_TABLE
            + " (handler_name, idempotency_key, status, result, claim_token, expires_at,"
            + " created_at) VALUES (?, ?, 'COMPLETED', NULL, ?, ?, ?)",
        (insert, key) -> {
          // The values Idempo writes.
          Instant now = Instant.now();
          ThreadLocalRandom random = ThreadLocalRandom.current();
          insert.setString(1, IdempoDeliveries.HANDLER_NAME);
          insert.setString(2, key);
          insert.setString(3, new UUID(random.nextLong(), random.nextLong()).toString());
          insert.setObject(4, now.plus(HandlerDescriptor.DEFAULT_TTL).atOffset(ZoneOffset.UTC));
          insert.setObject(5, now.atOffset(ZoneOffset.UTC));
        });
  }

  /** Binds a dedup row's insert for a message key. */
  @FunctionalInterface
  private interface RowBinder {
    void bind(PreparedStatement insert, String key) throws SQLException;
  }

  /**
   * The concept's pattern 1 in plain JDBC: {@code insert} (without a conflict clause) records the
   * key in the work's transaction, and a duplicate rolls back.
   */
  private static Delivery eventIdPattern(DataSource dataSource, String insert, RowBinder binder) {
    String insertRow;
    try (Connection connection = dataSource.getConnection()) {
      // PostgreSQL skips a conflict, which keeps the transaction usable; H2 and MySQL fail the
      // statement only, with a duplicate-key error.
      insertRow =
          connection.getMetaData().getDatabaseProductName().equals("PostgreSQL")
              ? insert + " ON CONFLICT DO NOTHING"
              : insert;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot connect to the benchmark database", e);
    }
    return key -> {
      try (Connection connection = dataSource.getConnection()) {
        return inTransaction(
            connection,
            c -> {
              if (!insertDedupRow(c, insertRow, binder, key)) {
                return false;
              }
              insertLedger(c, key);
              return true;
            });
      } catch (SQLException e) {
        throw new IllegalStateException("ledger insert failed for key " + key, e);
      }
    };
  }

  /** Records the key in the work's transaction; false if it was there already. */
  private static boolean insertDedupRow(
      Connection connection, String sql, RowBinder binder, String key) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(sql)) {
      binder.bind(insert, key);
      return insert.executeUpdate() == 1;
    } catch (SQLException e) {
      // H2's and PostgreSQL's duplicate key, and MySQL's (ER_DUP_ENTRY).
      if ("23505".equals(e.getSQLState()) || e.getErrorCode() == 1062) {
        return false;
      }
      throw e;
    }
  }

  private static TransactionTemplate transactions(DataSource dataSource) {
    return new TransactionTemplate(new DataSourceTransactionManager(dataSource));
  }

  private static Delivery camel(DataSource dataSource) {
    // Camel's default: the repository creates its own transaction manager over the data source.
    JdbcMessageIdRepository repository = new JdbcMessageIdRepository(dataSource, PROCESSOR_NAME);
    repository.start();
    TransactionTemplate work = transactions(dataSource);
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    return key -> {
      if (!repository.add(key)) {
        return false;
      }
      try {
        work.executeWithoutResult(status -> jdbc.update(Database.INSERT_LEDGER, key, AMOUNT));
      } catch (RuntimeException e) {
        repository.remove(key);
        throw e;
      }
      repository.confirm(key);
      return true;
    };
  }

  private static Delivery camelJoined(DataSource dataSource) {
    TransactionTemplate transaction = transactions(dataSource);
    JdbcMessageIdRepository repository =
        new JdbcMessageIdRepository(dataSource, transaction, PROCESSOR_NAME);
    repository.start();
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    return key ->
        Boolean.TRUE.equals(
            transaction.execute(
                status -> {
                  if (!repository.add(key)) {
                    return false;
                  }
                  jdbc.update(Database.INSERT_LEDGER, key, AMOUNT);
                  repository.confirm(key);
                  return true;
                }));
  }

  private static JdbcMetadataStore metadataStore(DataSource dataSource) {
    JdbcMetadataStore store = new JdbcMetadataStore(dataSource);
    store.afterPropertiesSet();
    store.start();
    return store;
  }

  private static Delivery spring(DataSource dataSource) {
    JdbcMetadataStore store = metadataStore(dataSource);
    MetadataStoreSelector selector =
        new MetadataStoreSelector(message -> (String) message.getPayload(), store);
    TransactionTemplate work = transactions(dataSource);
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    return key -> {
      if (!selector.accept(new KeyMessage(key))) {
        return false;
      }
      try {
        work.executeWithoutResult(status -> jdbc.update(Database.INSERT_LEDGER, key, AMOUNT));
      } catch (RuntimeException e) {
        store.remove(key);
        throw e;
      }
      return true;
    };
  }

  private static Delivery springJoined(DataSource dataSource) {
    TransactionTemplate transaction = transactions(dataSource);
    JdbcMetadataStore store = metadataStore(dataSource);
    MetadataStoreSelector selector =
        new MetadataStoreSelector(message -> (String) message.getPayload(), store);
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    return key ->
        Boolean.TRUE.equals(
            transaction.execute(
                status -> {
                  if (!selector.accept(new KeyMessage(key))) {
                    return false;
                  }
                  jdbc.update(Database.INSERT_LEDGER, key, AMOUNT);
                  return true;
                }));
  }
}
