package io.idempo.runtime.outbox;

import io.idempo.runtime.jdbc.Dialect;
import io.idempo.runtime.jdbc.TableName;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
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

  private final TableName table;
  private final OutboxBatches batches;
  private final int batchSize;
  private final Duration pollInterval;
  private final Duration purgeInterval;
  private final Duration shutdownTimeout;

  /** Held while a batch or a purge runs: one at a time per relay. */
  private final ReentrantLock running = new ReentrantLock();
  /** Guards the poller's state and wakes it up. */
  private final ReentrantLock state = new ReentrantLock();
  private final Condition wakeUp = state.newCondition();
  private Thread poller;
  private boolean closed;

  private OutboxRelay(Builder builder, Dialect dialect) {
    this.table = builder.table;
    this.batchSize = builder.batchSize;
    this.pollInterval = builder.pollInterval;
    this.purgeInterval = builder.purgeInterval;
    this.shutdownTimeout = builder.shutdownTimeout;
    this.batches =
        new OutboxBatches(
            builder.dataSource,
            builder.publisher,
            builder.table,
            dialect,
            builder.clock,
            builder.batchSize,
            builder.initialBackoff,
            builder.maxBackoff,
            builder.retention,
            builder.purgeBatchSize,
            builder.maxPurgeBatches,
            builder.listener);
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
      return batches.run();
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
      return batches.purge();
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
        Batch batch = batches.run();
        failures = 0;
        pause = batch.full(batchSize) && batch.published() > 0 ? Duration.ZERO : pollInterval;
        if (!purgeInterval.isZero() && System.nanoTime() - lastPurge >= purgeInterval.toNanos()) {
          lastPurge = System.nanoTime();
          batches.purge();
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
        pause = batches.backoff(failures);
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
