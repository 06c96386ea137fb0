package io.idempo.reliability;

import io.idempo.reliability.ledger.Fault;
import io.idempo.reliability.ledger.IdempotentLedgerHandler;
import io.idempo.reliability.ledger.LedgerEvent;
import io.idempo.runtime.BatchClaim;
import io.idempo.runtime.DuplicateInProgressException;
import io.idempo.runtime.HandlerDescriptor;
import io.idempo.runtime.IdempotencyListener;
import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import javax.sql.DataSource;

/**
 * A consumer of the broker table: {@code threads} threads lease rows, run the generated {@code
 * IdempotentLedgerHandler} and acknowledge by marking the row acked, until no unacknowledged row is
 * left. A failed delivery is not acknowledged (it becomes visible again shortly). Runs in a child
 * JVM ({@link #main}) for the crash and multi-process suites, and in-process for the fault suite.
 */
final class Consumer {

  /** Seconds a leased row stays invisible; a dead consumer's rows come back after it. */
  static final int VISIBILITY_SECONDS = 3;

  enum Mode {
    TRANSACTIONAL,
    LEASE,
    /** Transactional mode, a batch of polled deliveries per claim ({@link #deliverBatch}). */
    BATCH
  }

  /** The batch handler's descriptor, as a generated batch wrapper declares it. */
  static final HandlerDescriptor BATCH_HANDLER =
      HandlerDescriptor.builder("ledger-batch").keyPath("events[*].eventId").build();

  /** Counts, from the store's listener and the consumer loop. */
  static final class Stats {
    final AtomicLong claimed = new AtomicLong();
    final AtomicLong duplicate = new AtomicLong();
    final AtomicLong expired = new AtomicLong();
    final AtomicLong inProgress = new AtomicLong();
    final AtomicLong acked = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

    String line() {
      return "STATS claimed="
          + claimed
          + " duplicate="
          + duplicate
          + " expired="
          + expired
          + " inProgress="
          + inProgress
          + " acked="
          + acked
          + " failed="
          + failed;
    }
  }

  private final DataSource pool;
  private final Mode mode;

  /** MariaDB's SQL for the broker table, else PostgreSQL's. */
  private final boolean mariadb;
  private final IdempotentLedgerHandler handler;
  private final JdbcIdempotencyStore store;
  final Stats stats = new Stats();
  private volatile BiConsumer<LedgerEvent, Throwable> onFailure = (event, failure) -> {};

  Consumer(DataSource pool, Mode mode, String incarnation, Fault fault, long maxPauseNanos) {
    this.pool = pool;
    this.mode = mode;
    try (Connection c = pool.getConnection()) {
      this.mariadb = Stream.isMariaDb(c);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot reach the broker database", e);
    }
    JdbcIdempotencyStore store =
        JdbcIdempotencyStore.builder(pool)
            .lockTimeout(java.time.Duration.ofSeconds(5))
            .listener(
                new IdempotencyListener() {
                  @Override
                  public void claimed(HandlerDescriptor h, String key) {
                    stats.claimed.incrementAndGet();
                  }

                  @Override
                  public void duplicate(HandlerDescriptor h, String key) {
                    stats.duplicate.incrementAndGet();
                  }

                  @Override
                  public void expired(HandlerDescriptor h, String key) {
                    stats.expired.incrementAndGet();
                  }

                  @Override
                  public void inProgress(HandlerDescriptor h, String key) {
                    stats.inProgress.incrementAndGet();
                  }
                })
            .build();
    this.store = store;
    this.handler = new IdempotentLedgerHandler(store, store.dataSource(), incarnation, fault, maxPauseNanos);
  }

  /** Called on the consumer thread when a delivery fails, before it is returned to the broker. */
  void onFailure(BiConsumer<LedgerEvent, Throwable> callback) {
    this.onFailure = callback;
  }

  /** Creates the store's table (once, by the test before consumers start). */
  static void createClaimsTable(DataSource db) {
    JdbcIdempotencyStore.builder(db).build().createTableIfMissing();
  }

  /** Runs {@code threads} consumer threads until every row is acknowledged. */
  void run(int threads) throws InterruptedException {
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(this::loop, "consumer-" + i);
      t.start();
      workers.add(t);
    }
    for (Thread t : workers) {
      t.join();
    }
  }

  private record Delivery(long seq, LedgerEvent event) {}

  private void loop() {
    while (true) {
      List<Delivery> batch;
      try {
        batch = poll(10);
        if (batch.isEmpty()) {
          if (pending() == 0) {
            return;
          }
          Thread.sleep(20);
          continue;
        }
      } catch (SQLException e) {
        stats.failures.add(e);
        stats.failed.incrementAndGet();
        sleep(200);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (mode == Mode.BATCH) {
        deliverBatch(batch);
        continue;
      }
      for (Delivery d : batch) {
        deliver(d);
      }
    }
  }

  private void deliver(Delivery d) {
    long result;
    try {
      result =
          mode == Mode.TRANSACTIONAL
              ? handler.apply(d.event())
              : handler.applyWithLease(d.event());
    } catch (DuplicateInProgressException e) {
      nack(d.seq(), 200);
      return;
    } catch (SQLException | RuntimeException e) {
      stats.failures.add(e);
      stats.failed.incrementAndGet();
      onFailure.accept(d.event(), e);
      nack(d.seq(), 100);
      return;
    }
    try (Connection c = pool.getConnection();
        PreparedStatement ack =
            c.prepareStatement("UPDATE broker SET acked = TRUE, ack_result = ? WHERE seq = ?")) {
      ack.setLong(1, result);
      ack.setLong(2, d.seq());
      ack.executeUpdate();
      stats.acked.incrementAndGet();
    } catch (SQLException e) {
      // Not acknowledged: the row is delivered again after the visibility timeout.
      stats.failures.add(e);
      stats.failed.incrementAndGet();
    }
  }

  /**
   * Processes the polled deliveries as one batch: claims every event id at once, applies the events
   * seen for the first time in the claim's transaction, commits, then acknowledges the whole batch
   * (with no result: a batch handler returns none). A failure leaves the whole batch
   * unacknowledged, so it is delivered again.
   */
  private void deliverBatch(List<Delivery> batch) {
    List<String> keys = new ArrayList<>(batch.size());
    List<LedgerEvent> events = new ArrayList<>(batch.size());
    for (Delivery d : batch) {
      keys.add(d.event().eventId());
      events.add(d.event());
    }
    try {
      BatchClaim claim = store.claimBatch(BATCH_HANDLER, keys);
      List<LedgerEvent> fresh = claim.acquiredOf(events);
      if (!fresh.isEmpty()) {
        try {
          handler.applyAll(fresh);
        } catch (SQLException | RuntimeException e) {
          claim.release(e);
          throw e;
        }
      }
      claim.complete();
    } catch (DuplicateInProgressException e) {
      for (Delivery d : batch) {
        nack(d.seq(), 200);
      }
      return;
    } catch (SQLException | RuntimeException e) {
      stats.failures.add(e);
      stats.failed.incrementAndGet();
      for (Delivery d : batch) {
        onFailure.accept(d.event(), e);
        nack(d.seq(), 100);
      }
      return;
    }
    for (Delivery d : batch) {
      try (Connection c = pool.getConnection();
          PreparedStatement ack =
              c.prepareStatement("UPDATE broker SET acked = TRUE WHERE seq = ?")) {
        ack.setLong(1, d.seq());
        ack.executeUpdate();
        stats.acked.incrementAndGet();
      } catch (SQLException e) {
        // Not acknowledged: the row is delivered again after the visibility timeout.
        stats.failures.add(e);
        stats.failed.incrementAndGet();
      }
    }
  }

  private List<Delivery> poll(int max) throws SQLException {
    return mariadb ? pollMariaDb(max) : pollPostgres(max);
  }

  /**
   * MariaDB has no UPDATE ... RETURNING: leases the rows in a transaction, at READ COMMITTED (no
   * gap locks, which would make consumers wait for each other's polls).
   */
  private List<Delivery> pollMariaDb(int max) throws SQLException {
    List<Delivery> out = new ArrayList<>();
    try (Connection c = pool.getConnection()) {
      c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      c.setAutoCommit(false);
      try {
        try (PreparedStatement select =
            c.prepareStatement(
                "SELECT seq, event_id, account, amount FROM broker WHERE NOT acked"
                    + " AND visible_at <= NOW(6) ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED")) {
          select.setInt(1, max);
          try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
              out.add(
                  new Delivery(
                      rows.getLong(1),
                      new LedgerEvent(rows.getString(2), rows.getInt(3), rows.getLong(4))));
            }
          }
        }
        try (PreparedStatement lease =
            c.prepareStatement(
                "UPDATE broker SET visible_at = NOW(6) + INTERVAL ? SECOND,"
                    + " deliveries = deliveries + 1 WHERE seq = ?")) {
          for (Delivery d : out) {
            lease.setInt(1, VISIBILITY_SECONDS);
            lease.setLong(2, d.seq());
            lease.addBatch();
          }
          if (!out.isEmpty()) {
            lease.executeBatch();
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
    return out;
  }

  private List<Delivery> pollPostgres(int max) throws SQLException {
    List<Delivery> out = new ArrayList<>();
    try (Connection c = pool.getConnection();
        PreparedStatement poll =
            c.prepareStatement(
                "UPDATE broker SET visible_at = now() + make_interval(secs => ?),"
                    + " deliveries = deliveries + 1"
                    + " WHERE seq IN (SELECT seq FROM broker WHERE NOT acked AND visible_at <= now()"
                    + " ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED)"
                    + " RETURNING seq, event_id, account, amount")) {
      poll.setInt(1, VISIBILITY_SECONDS);
      poll.setInt(2, max);
      try (ResultSet rows = poll.executeQuery()) {
        while (rows.next()) {
          out.add(
              new Delivery(
                  rows.getLong(1),
                  new LedgerEvent(rows.getString(2), rows.getInt(3), rows.getLong(4))));
        }
      }
    }
    return out;
  }

  private long pending() throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement count = c.prepareStatement("SELECT count(*) FROM broker WHERE NOT acked");
        ResultSet row = count.executeQuery()) {
      row.next();
      return row.getLong(1);
    }
  }

  private void nack(long seq, int delayMillis) {
    try (Connection c = pool.getConnection();
        PreparedStatement nack =
            c.prepareStatement(
                mariadb
                    ? "UPDATE broker SET visible_at = NOW(6) + INTERVAL ? MICROSECOND WHERE seq = ?"
                    : "UPDATE broker SET visible_at = now() + make_interval(secs => ?) WHERE seq = ?")) {
      if (mariadb) {
        nack.setLong(1, delayMillis * 1000L);
      } else {
        nack.setDouble(1, delayMillis / 1000.0);
      }
      nack.setLong(2, seq);
      nack.executeUpdate();
    } catch (SQLException e) {
      // The visibility timeout redelivers it anyway.
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Child-JVM entry point: {@code <jdbc url> <TRANSACTIONAL|LEASE> <threads> <incarnation>
   * <max pause micros>}. Prints {@code STARTED}, then a {@code STATS} line when the stream is done.
   */
  public static void main(String[] args) throws Exception {
    String url = args[0];
    Mode mode = Mode.valueOf(args[1]);
    int threads = Integer.parseInt(args[2]);
    String incarnation = args[3];
    long maxPauseNanos = Long.parseLong(args[4]) * 1000;
    try (SimplePool pool = new SimplePool(url)) {
      Consumer consumer = new Consumer(pool, mode, incarnation, Fault.NONE, maxPauseNanos);
      System.out.println("STARTED");
      System.out.flush();
      consumer.run(threads);
      for (Throwable failure : consumer.stats.failures) {
        System.err.println("delivery failed: " + failure);
      }
      System.out.println(consumer.stats.line());
      System.out.flush();
    }
  }
}
