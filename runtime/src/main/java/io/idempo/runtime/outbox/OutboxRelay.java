package io.idempo.runtime.outbox;

import io.idempo.runtime.jdbc.Dialect;
import io.idempo.runtime.jdbc.TableName;
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
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Publishes the messages of a {@link JdbcOutbox} table through a {@link MessagePublisher}, at least
 * once, and marks them sent. See {@code docs/outbox.md}.
 *
 * <pre>{@code
 * OutboxRelay relay = OutboxRelay.builder(pool, kafkaPublisher).build();
 * relay.start();                      // polls in a background thread
 * ...
 * relay.close();                      // stops polling, waits for the batch in flight
 * }</pre>
 *
 * <h2>One batch</h2>
 *
 * <p>{@link #runOnce()} runs one batch in one transaction: it selects up to {@link
 * Builder#batchSize(int)} unsent, due rows in the order they were written, locking them with {@code
 * FOR UPDATE SKIP LOCKED} (rows another relay holds are skipped, not waited for), publishes them one
 * by one, records each outcome, and commits. A message is marked sent only after the publisher
 * accepted it; a crash before the commit publishes it again later, with the same id. That is
 * at-least-once by design: consumers deduplicate by {@link OutboxEnvelope#id()}.
 *
 * <h2>Order per key</h2>
 *
 * <p>The messages of one destination and key are published in the order they were written: a
 * message is published only if no earlier message of its destination and key is still unsent
 * (another relay holds it, or it failed and waits for its retry); otherwise it is deferred to a later
 * batch. When the publisher refuses a message, the rest of its key in the batch is deferred too.
 *
 * <h2>Failures and backoff</h2>
 *
 * <p>A refused message counts an attempt, records the error in the row ({@code attempts}, {@code
 * last_error}) and waits {@link Builder#initialBackoff(Duration)}, doubled at each further failure up
 * to {@link Builder#maxBackoff(Duration)}, before it (and with it the rest of its key) is tried
 * again; other keys go on. When a whole batch fails (the database is down), the polling thread
 * backs off the same way.
 *
 * <h2>Purge</h2>
 *
 * <p>{@link #purgeSent()} deletes sent rows older than {@link Builder#retention(Duration)}, in short
 * batches; the polling thread runs it every {@link Builder#purgeInterval(Duration)}.
 */
public final class OutboxRelay implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(OutboxRelay.class.getName());
  private static final int MAX_ERROR_LENGTH = 1000;

  private final DataSource dataSource;
  private final MessagePublisher publisher;
  private final TableName table;
  private final Dialect dialect;
  private final OutboxSql sql;
  private final Clock clock;
  private final int batchSize;
  private final Duration pollInterval;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration retention;
  private final Duration purgeInterval;
  private final int purgeBatchSize;
  private final int maxPurgeBatches;
  private final Duration shutdownTimeout;
  private final OutboxRelayListener listener;

  /** Held while a batch or a purge runs: one at a time per relay. */
  private final ReentrantLock running = new ReentrantLock();
  /** Guards the poller's state and wakes it up. */
  private final ReentrantLock state = new ReentrantLock();
  private final Condition wakeUp = state.newCondition();
  private Thread poller;
  private boolean closed;

  private OutboxRelay(Builder builder, Dialect dialect) {
    this.dataSource = builder.dataSource;
    this.publisher = builder.publisher;
    this.table = builder.table;
    this.dialect = dialect;
    this.sql = OutboxSql.of(dialect, table);
    this.clock = builder.clock;
    this.batchSize = builder.batchSize;
    this.pollInterval = builder.pollInterval;
    this.initialBackoff = builder.initialBackoff;
    this.maxBackoff = builder.maxBackoff;
    this.retention = builder.retention;
    this.purgeInterval = builder.purgeInterval;
    this.purgeBatchSize = builder.purgeBatchSize;
    this.maxPurgeBatches = builder.maxPurgeBatches;
    this.shutdownTimeout = builder.shutdownTimeout;
    this.listener = builder.listener;
  }

  /**
   * Starts configuring a relay that reads the outbox over {@code dataSource} (a plain pool: the
   * relay manages its own transactions) and publishes through {@code publisher}.
   */
  public static Builder builder(DataSource dataSource, MessagePublisher publisher) {
    return new Builder(dataSource, publisher);
  }

  /** What one {@link #runOnce()} did. */
  public record Batch(int selected, int published, int failed, int deferred) {

    /** True if the batch selected as many rows as it could: more are probably waiting. */
    public boolean full(int batchSize) {
      return selected >= batchSize;
    }
  }

  /**
   * Runs one batch now, on the calling thread: for tests, and for applications that schedule the
   * relay themselves. Waits while another batch of this relay runs.
   *
   * @return what the batch did
   * @throws OutboxException if the batch could not read or commit; the messages it published are
   *     published again by a later batch
   * @throws IllegalStateException if the relay is closed
   */
  public Batch runOnce() {
    running.lock();
    try {
      checkOpen();
      return batch();
    } finally {
      running.unlock();
    }
  }

  /**
   * Deletes sent messages older than the retention period, in batches of the configured size, each
   * its own short transaction, up to the configured number of batches.
   *
   * @return the number of rows deleted
   * @throws OutboxException if a batch fails (the rows deleted so far stay deleted)
   */
  public long purgeSent() {
    running.lock();
    try {
      checkOpen();
      return purge();
    } finally {
      running.unlock();
    }
  }

  /**
   * Starts polling in a background (daemon) thread: a batch, then, unless it was full, a pause of
   * the poll interval; a purge every purge interval.
   *
   * @throws IllegalStateException if the relay was started before or is closed
   */
  public void start() {
    state.lock();
    try {
      checkOpen();
      if (poller != null) {
        throw new IllegalStateException("outbox relay of " + table + " is already started");
      }
      Thread thread = new Thread(this::poll, "idempo-outbox-relay-" + table);
      thread.setDaemon(true);
      poller = thread;
      thread.start();
    } finally {
      state.unlock();
    }
  }

  /**
   * Stops polling: lets the batch in flight finish, waiting at most the shutdown timeout, then
   * interrupts it (its messages are published again by a later batch, with the same ids). Further
   * calls do nothing.
   */
  @Override
  public void close() {
    Thread thread;
    state.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      thread = poller;
      wakeUp.signalAll();
    } finally {
      state.unlock();
    }
    if (thread == null || thread == Thread.currentThread()) {
      return;
    }
    try {
      thread.join(Math.max(1, shutdownTimeout.toMillis()));
      if (thread.isAlive()) {
        LOG.log(
            Level.WARNING,
            "outbox relay of "
                + table
                + " did not finish its batch within "
                + shutdownTimeout
                + "; interrupting it. Messages it published but did not mark sent are published"
                + " again later, with the same ids");
        thread.interrupt();
        thread.join(Math.max(1, shutdownTimeout.toMillis()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The poller

  private void poll() {
    int failures = 0;
    long lastPurge = System.nanoTime();
    while (!isClosed()) {
      Duration pause;
      try {
        Batch batch = batch();
        failures = 0;
        pause = batch.full(batchSize) && batch.published() > 0 ? Duration.ZERO : pollInterval;
        if (!purgeInterval.isZero() && System.nanoTime() - lastPurge >= purgeInterval.toNanos()) {
          lastPurge = System.nanoTime();
          purge();
        }
      } catch (Error e) {
        LOG.log(
            Level.ERROR,
            "outbox relay of "
                + table
                + " stopped polling: "
                + e
                + ". Unmarked messages of its last batch are published again by the next relay",
            e);
        throw e;
      } catch (RuntimeException e) {
        if (isClosed()) {
          LOG.log(Level.DEBUG, "outbox relay of " + table + " stopped during a batch", e);
          return;
        }
        failures++;
        pause = backoff(failures);
        LOG.log(
            Level.WARNING,
            "outbox relay of " + table + " failed (" + failures + " in a row); retrying in " + pause,
            e);
      }
      if (!pause.isZero()) {
        sleep(pause);
      }
    }
  }

  private boolean isClosed() {
    state.lock();
    try {
      return closed;
    } finally {
      state.unlock();
    }
  }

  /** Waits {@code pause} on the monotonic clock, or until {@link #close()}. */
  private void sleep(Duration pause) {
    long deadline = System.nanoTime() + pause.toNanos();
    state.lock();
    try {
      long left;
      while (!closed && (left = deadline - System.nanoTime()) > 0) {
        wakeUp.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    } finally {
      state.unlock();
    }
  }

  private void checkOpen() {
    if (isClosed()) {
      throw new IllegalStateException("outbox relay of " + table + " is closed");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // One batch

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

  private Batch batch() {
    Instant now = clock.instant();
    Connection connection;
    try {
      connection = dataSource.getConnection();
    } catch (SQLException e) {
      throw batchFailure("cannot connect", e);
    }
    boolean committed = false;
    try {
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
      closeQuietly(connection);
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

  private long purge() {
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

  /** Configures an {@link OutboxRelay}. */
  public static final class Builder {
    private final DataSource dataSource;
    private final MessagePublisher publisher;
    private TableName table = TableName.of("outbox", JdbcOutbox.DEFAULT_TABLE_NAME);
    private Dialect dialect;
    private Clock clock = Clock.systemUTC();
    private int batchSize = 100;
    private Duration pollInterval = Duration.ofMillis(500);
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofMinutes(5);
    private Duration retention = Duration.ofDays(7);
    private Duration purgeInterval = Duration.ofHours(1);
    private int purgeBatchSize = 1000;
    private int maxPurgeBatches = 100;
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private OutboxRelayListener listener = OutboxRelayListener.NONE;

    private Builder(DataSource dataSource, MessagePublisher publisher) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      this.publisher = Objects.requireNonNull(publisher, "publisher");
    }

    /** The outbox table; the same name as the {@link JdbcOutbox}'s. */
    public Builder tableName(String tableName) {
      this.table = TableName.of("outbox", tableName);
      return this;
    }

    /** The database, instead of asking the {@code DataSource} at {@link #build()}. */
    public Builder dialect(Dialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /** The clock for due times, retry times, {@code sent_at} and the retention. Default system UTC. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** At most this many messages per batch (one transaction). Default 100. */
    public Builder batchSize(int batchSize) {
      this.batchSize = positive("batchSize", batchSize);
      return this;
    }

    /** The pause after a batch that was not full. Default 500 ms. */
    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = positive("pollInterval", pollInterval);
      return this;
    }

    /** The first retry delay after a failure; doubled at each further failure. Default 1 s. */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = positive("initialBackoff", initialBackoff);
      return this;
    }

    /** The longest retry delay. Default 5 minutes. */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = positive("maxBackoff", maxBackoff);
      return this;
    }

    /** How long sent messages stay in the table before {@link #purgeSent()} deletes them. Default 7 days. */
    public Builder retention(Duration retention) {
      Objects.requireNonNull(retention, "retention");
      if (retention.isNegative()) {
        throw new IllegalArgumentException("retention must not be negative, was " + retention);
      }
      this.retention = retention;
      return this;
    }

    /** How often the polling thread purges; {@link Duration#ZERO} never. Default 1 hour. */
    public Builder purgeInterval(Duration purgeInterval) {
      Objects.requireNonNull(purgeInterval, "purgeInterval");
      if (purgeInterval.isNegative()) {
        throw new IllegalArgumentException("purgeInterval must not be negative, was " + purgeInterval);
      }
      this.purgeInterval = purgeInterval;
      return this;
    }

    /** Rows deleted per purge transaction (default 1000), and batches per purge (default 100). */
    public Builder purgeBatches(int purgeBatchSize, int maxPurgeBatches) {
      this.purgeBatchSize = positive("purgeBatchSize", purgeBatchSize);
      this.maxPurgeBatches = positive("maxPurgeBatches", maxPurgeBatches);
      return this;
    }

    /** How long {@link #close()} waits for the batch in flight. Default 30 s. */
    public Builder shutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = positive("shutdownTimeout", shutdownTimeout);
      return this;
    }

    /** Observes publishes, failures and purges. */
    public Builder listener(OutboxRelayListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the relay (not started). Without {@link #dialect(Dialect)}, opens one connection to
     * read the database's product name.
     *
     * @throws IllegalArgumentException if the settings are inconsistent or Idempo does not support
     *     the database
     * @throws OutboxException if the database cannot be reached
     */
    public OutboxRelay build() {
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException(
            "maxBackoff " + maxBackoff + " is shorter than initialBackoff " + initialBackoff);
      }
      Dialect detected = dialect;
      if (detected == null) {
        try (Connection connection = dataSource.getConnection()) {
          detected = Dialect.of(connection);
        } catch (SQLException e) {
          throw new OutboxException(
              "cannot connect to detect the database of the outbox relay (table "
                  + table
                  + "): "
                  + e.getMessage(),
              e);
        }
      }
      return new OutboxRelay(this, detected);
    }

    private static int positive(String name, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be at least 1, was " + value);
      }
      return value;
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + value);
      }
      return value;
    }
  }
}
