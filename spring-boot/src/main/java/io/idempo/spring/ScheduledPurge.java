package io.idempo.spring;

import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;

/**
 * Deletes expired idempotency records on a schedule ({@code idempo.purge.*}), on a daemon thread
 * of its own, from the application's start to its stop. A failed purge is logged and tried again
 * at the next interval; expired records behave as absent meanwhile, so nothing depends on it.
 */
final class ScheduledPurge implements SmartLifecycle {

  private static final System.Logger LOG = System.getLogger(ScheduledPurge.class.getName());

  private final JdbcIdempotencyStore store;
  private final Duration interval;
  private final int batchSize;
  private ScheduledExecutorService executor;

  ScheduledPurge(JdbcIdempotencyStore store, Duration interval, int batchSize) {
    if (interval == null || interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("idempo.purge.interval must be positive, was " + interval);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("idempo.purge.batch-size must be at least 1, was " + batchSize);
    }
    this.store = store;
    this.interval = interval;
    this.batchSize = batchSize;
  }

  @Override
  public synchronized void start() {
    if (executor != null) {
      return;
    }
    executor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "idempo-purge");
              thread.setDaemon(true);
              return thread;
            });
    long millis = interval.toMillis();
    // purgeOnce catches its own failures, so the schedule's future never completes exceptionally.
    var unused =
        executor.scheduleWithFixedDelay(this::purgeOnce, millis, millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() {
    if (executor != null) {
      executor.shutdownNow();
      executor = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return executor != null;
  }

  /** One purge, as the schedule runs it; failures are logged, never thrown. */
  void purgeOnce() {
    try {
      long deleted = store.purgeExpired(batchSize);
      LOG.log(System.Logger.Level.DEBUG, "purged {0} expired records from {1}", deleted, store.tableName());
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "purging expired records from " + store.tableName() + " failed; next try in " + interval,
          e);
    }
  }
}
