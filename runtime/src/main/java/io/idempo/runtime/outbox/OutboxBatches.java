package io.idempo.runtime.outbox;

import io.idempo.runtime.jdbc.Dialect;
import io.idempo.runtime.jdbc.TableName;
import io.idempo.runtime.outbox.OutboxRelay.Batch;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * What an {@link OutboxRelay} does on its table, one step at a time: one batch (select the due rows,
 * publish them in order per key, mark each outcome, commit) and one purge. The relay decides when
 * they run: on the caller's thread, or on its poller's.
 */
final class OutboxBatches {

  private static final System.Logger LOG = System.getLogger(OutboxBatches.class.getName());
  private static final int MAX_ERROR_LENGTH = 1000;

  private final DataSource dataSource;
  private final MessagePublisher publisher;
  private final TableName table;
  private final Dialect dialect;
  private final OutboxSql sql;
  private final Clock clock;
  private final int batchSize;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration retention;
  private final int purgeBatchSize;
  private final int maxPurgeBatches;
  private final OutboxRelayListener listener;

  OutboxBatches(
      DataSource dataSource,
      MessagePublisher publisher,
      TableName table,
      Dialect dialect,
      Clock clock,
      int batchSize,
      Duration initialBackoff,
      Duration maxBackoff,
      Duration retention,
      int purgeBatchSize,
      int maxPurgeBatches,
      OutboxRelayListener listener) {
    this.dataSource = dataSource;
    this.publisher = publisher;
    this.table = table;
    this.dialect = dialect;
    this.sql = OutboxSql.of(dialect, table);
    this.clock = clock;
    this.batchSize = batchSize;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.retention = retention;
    this.purgeBatchSize = purgeBatchSize;
    this.maxPurgeBatches = maxPurgeBatches;
    this.listener = listener;
  }

  private static final class Row {
    final long seq;
    final UUID id;
    final String destination;
    final String key;
    final byte[] payload;
    final String headers;
    final Instant createdAt;
    final int attempts;

    Row(ResultSet rs, Dialect dialect) throws SQLException {
      this.seq = rs.getLong(1);
      this.id = dialect.uuid(rs, 2);
      this.destination = rs.getString(3);
      this.key = rs.getString(4);
      this.payload = rs.getBytes(5);
      this.headers = rs.getString(6);
      this.createdAt = dialect.instant(rs, 7);
      this.attempts = rs.getInt(8);
    }

    List<String> orderingKey() {
      return List.of(destination, key);
    }
  }

  /** Runs one batch in one transaction; see {@link OutboxRelay}. */
  Batch run() {
    Instant now = clock.instant();
    Connection connection;
    try {
      connection = dataSource.getConnection();
    } catch (SQLException e) {
      throw batchFailure("cannot connect", e);
    }
    boolean committed = false;
    int ownIsolation = -1;
    try {
      ownIsolation = isolate(connection);
      connection.setAutoCommit(false);
      List<Row> rows = select(connection, now);
      if (rows.isEmpty()) {
        connection.commit();
        committed = true;
        return new Batch(0, 0, 0, 0);
      }
      Map<List<String>, Long> firstForeign = earlierUnsentHeldElsewhere(connection, rows);
      Set<List<String>> stopped = new HashSet<>();
      int published = 0;
      int failed = 0;
      int deferred = 0;
      try (PreparedStatement markSent = connection.prepareStatement(sql.markSent);
          PreparedStatement markFailed = connection.prepareStatement(sql.markFailed)) {
        for (Row row : rows) {
          List<String> key = row.orderingKey();
          Long blocker = firstForeign.get(key);
          if (stopped.contains(key) || (blocker != null && blocker < row.seq)) {
            deferred++;
            continue;
          }
          OutboxEnvelope envelope = envelope(row);
          try {
            publisher.publish(envelope);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OutboxException(
                "outbox relay of " + table + " was interrupted while publishing " + envelope.id(), e);
          } catch (Exception e) {
            failed++;
            stopped.add(key);
            Instant retryAt = clock.instant().plus(backoff(row.attempts + 1));
            markFailed.setObject(1, dialect.timestamp(retryAt));
            markFailed.setString(2, describe(e));
            markFailed.setLong(3, row.seq);
            markFailed.addBatch();
            notifyListener(l -> l.publishFailed(envelope, e, retryAt));
            continue;
          }
          published++;
          markSent.setObject(1, dialect.timestamp(clock.instant()));
          markSent.setLong(2, row.seq);
          markSent.addBatch();
          notifyListener(l -> l.published(envelope));
        }
        if (published > 0) {
          markSent.executeBatch();
        }
        if (failed > 0) {
          markFailed.executeBatch();
        }
      }
      connection.commit();
      committed = true;
      return new Batch(rows.size(), published, failed, deferred);
    } catch (SQLException e) {
      throw batchFailure("failed", e);
    } finally {
      if (!committed) {
        rollbackQuietly(connection);
      }
      restoreIsolationQuietly(connection, ownIsolation);
      closeQuietly(connection);
    }
  }

  /**
   * Sets the batch's isolation level where the dialect asks for one ({@link
   * Dialect#skipLockedIsolation}); returns the connection's own, to put back, or -1.
   */
  private int isolate(Connection connection) throws SQLException {
    int wanted = dialect.skipLockedIsolation();
    if (wanted < 0) {
      return -1;
    }
    int own = connection.getTransactionIsolation();
    if (own == wanted) {
      return -1;
    }
    connection.setTransactionIsolation(wanted);
    return own;
  }

  private static void restoreIsolationQuietly(Connection connection, int isolation) {
    if (isolation < 0) {
      return;
    }
    try {
      connection.setAutoCommit(true);
      connection.setTransactionIsolation(isolation);
    } catch (SQLException e) {
      // The connection is closed next; a pool that keeps it resets or discards it.
    }
  }

  private List<Row> select(Connection connection, Instant now) throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(sql.selectBatch)) {
      select.setObject(1, dialect.timestamp(now));
      select.setObject(2, dialect.timestamp(now));
      select.setInt(3, batchSize);
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          rows.add(new Row(rs, dialect));
        }
      }
    }
    return rows;
  }

  /**
   * For each destination and key of {@code rows}, the position of its first unsent row that comes
   * before one of ours and is not ours: held by another relay, or waiting for a retry. Our rows of
   * that key from there on must wait.
   */
  private Map<List<String>, Long> earlierUnsentHeldElsewhere(Connection connection, List<Row> rows)
      throws SQLException {
    Set<Long> ours = new HashSet<>();
    Set<String> keys = new LinkedHashSet<>();
    long last = 0;
    for (Row row : rows) {
      ours.add(row.seq);
      keys.add(row.key);
      last = Math.max(last, row.seq);
    }
    Map<List<String>, Long> first = new HashMap<>();
    try (PreparedStatement query = connection.prepareStatement(sql.earlierUnsent(keys.size()))) {
      query.setLong(1, last);
      int i = 2;
      for (String key : keys) {
        query.setString(i++, key);
      }
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          long seq = rs.getLong(1);
          if (!ours.contains(seq)) {
            first.merge(List.of(rs.getString(2), rs.getString(3)), seq, Math::min);
          }
        }
      }
    }
    return first;
  }

  private OutboxEnvelope envelope(Row row) {
    OutboxMessage message;
    try {
      message =
          OutboxMessage.builder(row.destination, row.key, row.payload)
              .headers(Headers.decode(row.headers))
              .build();
    } catch (IllegalArgumentException e) {
      throw new OutboxException(
          "outbox row " + row.seq + " (message " + row.id + ") in " + table + " is malformed: " + e.getMessage(),
          e);
    }
    return new OutboxEnvelope(row.id, row.seq, message, row.createdAt, row.attempts + 1);
  }

  /** Deletes sent rows past their retention, in short batches; see {@link OutboxRelay#purgeSent()}. */
  long purge() {
    Instant cutoff = clock.instant().minus(retention);
    long total = 0;
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      try (PreparedStatement delete = connection.prepareStatement(sql.purgeBatch)) {
        for (int batch = 0; batch < maxPurgeBatches; batch++) {
          delete.setObject(1, dialect.timestamp(cutoff));
          delete.setInt(2, purgeBatchSize);
          int deleted = delete.executeUpdate();
          total += deleted;
          if (deleted < purgeBatchSize) {
            break;
          }
        }
      }
    } catch (SQLException e) {
      long partial = total;
      notifyListener(l -> l.purged(partial));
      throw new OutboxException(
          "purging sent messages from " + table + " failed after " + total + " rows: " + e.getMessage(), e);
    }
    long count = total;
    notifyListener(l -> l.purged(count));
    return count;
  }

  /** The pause after the {@code failures}-th failure in a row: doubling, capped. */
  Duration backoff(int failures) {
    Duration delay = initialBackoff;
    for (int i = 1; i < failures && delay.compareTo(maxBackoff) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(maxBackoff) > 0 ? maxBackoff : delay;
  }

  private OutboxException batchFailure(String what, SQLException e) {
    String hint =
        dialect.isMissingTable(e)
            ? " The table does not exist: call JdbcOutbox.createTableIfMissing() or run "
                + dialect.outboxDdlResource()
                + " in a migration."
            : "";
    OutboxException failure =
        new OutboxException(
            "outbox relay batch on "
                + table
                + " "
                + what
                + ": "
                + e.getMessage()
                + "."
                + hint
                + " Messages published in this batch are published again by a later one.",
            e);
    notifyListener(l -> l.batchFailed(failure));
    return failure;
  }

  private static String describe(Exception e) {
    String text = e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() < MAX_ERROR_LENGTH; i++) {
      char c = text.charAt(i);
      // NUL and lone surrogates cannot be stored as text.
      out.append(c == '\u0000' || Character.isSurrogate(c) ? '?' : c);
    }
    return out.toString();
  }

  private void notifyListener(Consumer<OutboxRelayListener> event) {
    try {
      event.accept(listener);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "OutboxRelayListener " + listener.getClass().getName() + " threw", e);
    }
  }

  private static void rollbackQuietly(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      LOG.log(Level.DEBUG, "rollback failed; closing the connection ends the transaction", e);
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.log(Level.DEBUG, "closing a connection failed", e);
    }
  }

}
