package io.idempo.benchmarks.jdbc;

import io.idempo.IdempotentHandler;
import io.idempo.benchmarks.Delivery;
import io.idempo.benchmarks.memory.KeyMessage;
import io.idempo.runtime.BatchClaim;
import io.idempo.runtime.HandlerDescriptor;
import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.springframework.integration.jdbc.metadata.JdbcMetadataStore;
import org.springframework.integration.selector.MetadataStoreSelector;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The batch implementations of suite {@code batch}: a consumer that receives messages in batches
 * (a Kafka batch listener, an SQS receive of 10) and must apply each message's work once. The work
 * is the same in all of them: one ledger row per message processed, sent as one JDBC batch
 * ({@code executeBatch}) in the batch's transaction.
 *
 * <ul>
 *   <li>{@code idempo-batch}: {@link JdbcIdempotencyStore#claimBatch} in transactional mode, as a
 *       generated batch wrapper calls it: one claim statement (and one read when some keys are
 *       duplicates), the work, one commit;
 *   <li>{@code handwritten-batch}: the floor: one multi-row insert of the batch's event ids into a
 *       key-only table ({@code INSERT ... ON CONFLICT DO NOTHING RETURNING} on PostgreSQL), then
 *       the work for the ids it inserted, in one transaction, in plain JDBC;
 *   <li>{@code camel-jdbc-tx-batch}, {@code spring-jdbc-tx-batch}: what a team does with a peer
 *       today: the peer's repository joined to one transaction for the whole batch, called once per
 *       message, then the work, one commit;
 *   <li>{@code idempo-tx}: Idempo's single-message claim, one delivery (one transaction) per
 *       message of the batch: what a per-record listener costs.
 * </ul>
 */
public final class BatchDeliveries {

  public static final String IDEMPO_BATCH = "idempo-batch";
  public static final String HANDWRITTEN_BATCH = "handwritten-batch";
  public static final String CAMEL_TX_BATCH = "camel-jdbc-tx-batch";
  public static final String SPRING_TX_BATCH = "spring-jdbc-tx-batch";
  public static final String IDEMPO_TX = JdbcDeliveries.IDEMPO_TX;

  /** Every implementation, in report order. */
  public static final List<String> ALL =
      List.of(IDEMPO_BATCH, IDEMPO_TX, CAMEL_TX_BATCH, SPRING_TX_BATCH, HANDWRITTEN_BATCH);

  private static final String PROCESSOR_NAME = "ledger-batch";

  /** Processes one batch of messages, given by their keys. Thread-safe. */
  @FunctionalInterface
  public interface BatchDelivery {
    /** Processes the batch; returns how many messages' work ran. */
    int deliver(List<String> keys);
  }

  private BatchDeliveries() {}

  /** Implementation {@code name} over {@code dataSource}, whose tables {@link Database} made. */
  public static BatchDelivery create(String name, DataSource dataSource) {
    return switch (name) {
      case IDEMPO_BATCH -> idempoBatch(dataSource);
      case IDEMPO_TX -> perMessage(JdbcDeliveries.create(IDEMPO_TX, dataSource));
      case CAMEL_TX_BATCH -> camelLooped(dataSource);
      case SPRING_TX_BATCH -> springLooped(dataSource);
      case HANDWRITTEN_BATCH -> handwritten(dataSource);
      default ->
          throw new IllegalArgumentException(
              "unknown batch implementation '" + name + "'; use one of " + ALL);
    };
  }

  /** The work of a batch: one ledger row per processed message, as one JDBC batch. */
  static void insertLedger(Connection connection, List<String> keys) throws SQLException {
    if (keys.isEmpty()) {
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement(Database.INSERT_LEDGER)) {
      for (String key : keys) {
        insert.setString(1, key);
        insert.setLong(2, JdbcDeliveries.AMOUNT);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private static BatchDelivery idempoBatch(DataSource dataSource) {
    JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(dataSource).build();
    store.createTableIfMissing();
    DataSource handlerDataSource = store.dataSource();
    HandlerDescriptor handler =
        HandlerDescriptor.builder("io.idempo.benchmarks.Ledger#recordAll")
            .keyPath("events[*].id")
            .mode(IdempotentHandler.Mode.TRANSACTIONAL)
            .build();
    return keys -> {
      BatchClaim claim = store.claimBatch(handler, keys);
      List<String> fresh = claim.acquiredOf(keys);
      if (!fresh.isEmpty()) {
        try (Connection connection = handlerDataSource.getConnection()) {
          insertLedger(connection, fresh);
        } catch (SQLException | RuntimeException e) {
          claim.release(e);
          throw new IllegalStateException("ledger batch failed", e);
        }
      }
      claim.complete();
      return fresh.size();
    };
  }

  private static BatchDelivery perMessage(Delivery delivery) {
    return keys -> {
      int ran = 0;
      for (String key : keys) {
        if (delivery.deliver(key)) {
          ran++;
        }
      }
      return ran;
    };
  }

  private static BatchDelivery handwritten(DataSource dataSource) {
    String insertIds;
    try (Connection connection = dataSource.getConnection()) {
      insertIds =
          connection.getMetaData().getDatabaseProductName().equals("PostgreSQL")
              ? "INSERT INTO processed_events (event_id, processed_at) SELECT id, CURRENT_TIMESTAMP"
                  + " FROM unnest(?::varchar[]) AS batch(id) ON CONFLICT DO NOTHING"
                  + " RETURNING event_id"
              : "SELECT event_id FROM FINAL TABLE (INSERT INTO processed_events (event_id,"
                  + " processed_at) SELECT id, CURRENT_TIMESTAMP FROM UNNEST(CAST(? AS"
                  + " VARCHAR(200) ARRAY)) AS batch(id) WHERE NOT EXISTS (SELECT 1 FROM"
                  + " processed_events e WHERE e.event_id = batch.id))";
    } catch (SQLException e) {
      throw new IllegalStateException("cannot connect to the benchmark database", e);
    }
    return keys -> {
      try (Connection connection = dataSource.getConnection()) {
        int[] ran = new int[1];
        JdbcDeliveries.inTransaction(
            connection,
            c -> {
              // Sorted, so that overlapping batches cannot deadlock; once per id.
              String[] ids = new TreeSet<>(keys).toArray(new String[0]);
              Set<String> inserted = new HashSet<>();
              try (PreparedStatement insert = c.prepareStatement(insertIds)) {
                insert.setArray(1, c.createArrayOf("varchar", ids));
                try (ResultSet rows = insert.executeQuery()) {
                  while (rows.next()) {
                    inserted.add(rows.getString(1));
                  }
                }
              }
              List<String> fresh = new ArrayList<>(inserted.size());
              for (String key : new LinkedHashSet<>(keys)) {
                if (inserted.contains(key)) {
                  fresh.add(key);
                }
              }
              insertLedger(c, fresh);
              ran[0] = fresh.size();
              return true;
            });
        return ran[0];
      } catch (SQLException e) {
        throw new IllegalStateException("hand-written batch failed", e);
      }
    };
  }

  private static BatchDelivery camelLooped(DataSource dataSource) {
    TransactionTemplate transaction =
        new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    JdbcMessageIdRepository repository =
        new JdbcMessageIdRepository(dataSource, transaction, PROCESSOR_NAME);
    repository.start();
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    return keys ->
        ran(
            transaction.execute(
                status -> {
              List<String> fresh = new ArrayList<>();
              for (String key : keys) {
                if (repository.add(key)) {
                  fresh.add(key);
                }
              }
              ledgerBatch(jdbc, fresh);
              for (String key : fresh) {
                repository.confirm(key);
              }
              return fresh.size();
            }));
  }

  private static BatchDelivery springLooped(DataSource dataSource) {
    TransactionTemplate transaction =
        new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    JdbcMetadataStore store = new JdbcMetadataStore(dataSource);
    store.afterPropertiesSet();
    store.start();
    MetadataStoreSelector selector =
        new MetadataStoreSelector(message -> (String) message.getPayload(), store);
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    return keys ->
        ran(
            transaction.execute(
                status -> {
              List<String> fresh = new ArrayList<>();
              for (String key : keys) {
                if (selector.accept(new KeyMessage(key))) {
                  fresh.add(key);
                }
              }
              ledgerBatch(jdbc, fresh);
              return fresh.size();
            }));
  }

  private static int ran(Integer count) {
    return count == null ? 0 : count;
  }

  private static void ledgerBatch(JdbcTemplate jdbc, List<String> fresh) {
    if (fresh.isEmpty()) {
      return;
    }
    List<Object[]> rows = new ArrayList<>(fresh.size());
    for (String key : fresh) {
      rows.add(new Object[] {key, JdbcDeliveries.AMOUNT});
    }
    jdbc.batchUpdate(Database.INSERT_LEDGER, rows);
  }
}
