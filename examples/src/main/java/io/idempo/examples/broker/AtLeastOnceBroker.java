package io.idempo.examples.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory message broker with at-least-once delivery, as real brokers behave under failures.
 *
 * <ul>
 *   <li><b>Duplicates:</b> a share of the messages ({@link Builder#duplicateRate}) is delivered a
 *       second time, as after a producer retry or a lost acknowledgement. The copy arrives out of
 *       order: up to {@link Builder#duplicateWindow} deliveries later, sometimes right behind the
 *       original, so that both are in flight at once on different consumers.
 *   <li><b>Crashes:</b> after a consumer's listener returned (its database write is done), the
 *       consumer dies before acknowledging with probability {@link Builder#crashRate}. The broker
 *       never saw the acknowledgement, so it delivers the message again, {@link
 *       Builder#redeliveryDelay} deliveries later, to another consumer.
 *   <li><b>Failures:</b> a listener that throws has the message delivered again, after a short
 *       back-off. After {@link Builder#maxAttempts} attempts the message goes to the dead-letter
 *       queue.
 *   <li><b>Concurrency:</b> {@link Builder#consumers} consumer threads share the subscription.
 * </ul>
 *
 * <p>Every random choice derives from {@link Builder#seed}: the delivery order of the stream and
 * whether a given attempt of a given message crashes. The interleaving of the consumer threads is
 * the only thing a seed does not fix.
 *
 * @param <T> the message type
 */
public final class AtLeastOnceBroker<T> {

  private final List<T> messages;
  /** Message indexes in first-delivery order, duplicates included. */
  private final int[] schedule;
  private final int duplicates;
  private final double crashRate;
  private final int consumers;
  private final long seed;
  private final int redeliveryDelay;
  private final int maxAttempts;

  private AtLeastOnceBroker(Builder<T> builder) {
    this.messages = builder.messages;
    this.crashRate = builder.crashRate;
    this.consumers = builder.consumers;
    this.seed = builder.seed;
    this.redeliveryDelay = builder.redeliveryDelay;
    this.maxAttempts = builder.maxAttempts;
    this.schedule = schedule(messages.size(), builder.duplicateRate, builder.duplicateWindow, seed);
    this.duplicates = schedule.length - messages.size();
  }

  /** Starts configuring a broker that publishes {@code messages}, in this order, once each. */
  public static <T> Builder<T> builder(List<? extends T> messages) {
    return new Builder<>(messages);
  }

  /** The number of distinct messages published. */
  public int messages() {
    return messages.size();
  }

  /** The number of extra copies the broker delivers on top of the published messages. */
  public int duplicates() {
    return duplicates;
  }

  /**
   * Starts the consumers, each calling {@code listener} for the deliveries it takes. Call {@link
   * Run#await} until it returns true, then read {@link Run#stats()}.
   */
  public Run start(MessageListener<? super T> listener) {
    Objects.requireNonNull(listener, "listener");
    Run run = new Run(listener);
    run.startConsumers();
    return run;
  }

  /**
   * Builds the first-delivery order: message {@code i} at slot {@code 2i}, and its duplicate, if
   * any, at an odd slot up to {@code window} messages later (a quarter of them right behind it).
   */
  private static int[] schedule(int count, double duplicateRate, int window, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    long[] slots = new long[count * 2];
    int size = 0;
    for (int i = 0; i < count; i++) {
      slots[size++] = ((long) i * 2) << 32 | i;
      if (random.nextDouble() < duplicateRate) {
        int offset = random.nextInt(4) == 0 ? random.nextInt(2) : random.nextInt(window + 1);
        slots[size++] = ((long) (i + offset) * 2 + 1) << 32 | i;
      }
    }
    long[] sorted = Arrays.copyOf(slots, size);
    Arrays.sort(sorted);
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = (int) sorted[i];
    }
    return order;
  }

  /** Whether attempt {@code attempt} of message {@code index} crashes before its acknowledgement. */
  private boolean crashesBeforeAck(int index, int attempt) {
    if (crashRate == 0) {
      return false;
    }
    long h = mix(seed ^ 0x632BE59BD9B4E019L ^ mix(((long) index << 8) ^ attempt));
    return (h >>> 11) * 0x1.0p-53 < crashRate;
  }

  /** SplitMix64's finalizer: a well-spread hash of {@code z}. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** One delivery attempt of one message. */
  private record Delivery(int index, int attempt, long visibleAfter, long notBeforeNanos) {}

  /** A running delivery of the stream to the consumers. */
  public final class Run implements AutoCloseable {

    private final MessageListener<? super T> listener;
    private final List<Thread> threads = new ArrayList<>();
    private final CountDownLatch finished;
    private final long startNanos = System.nanoTime();

    private final PriorityQueue<Delivery> redeliveries =
        new PriorityQueue<>(
            (a, b) -> a.visibleAfter() != b.visibleAfter()
                ? Long.compare(a.visibleAfter(), b.visibleAfter())
                : Long.compare(a.notBeforeNanos(), b.notBeforeNanos()));
    private final Map<String, Long> failuresByType = new TreeMap<>();

    // Guarded by this.
    private int cursor;
    private long dispatched;
    private int inFlight;
    private long acknowledged;
    private long crashes;
    private long failures;
    private long deadLettered;
    private Throwable firstFailure;
    private Throwable fatal;
    private boolean stopped;
    private long endNanos;

    private Run(MessageListener<? super T> listener) {
      this.listener = listener;
      this.finished = new CountDownLatch(consumers);
    }

    private void startConsumers() {
      for (int i = 1; i <= consumers; i++) {
        Thread thread = new Thread(this::consume, "consumer-" + i);
        thread.setDaemon(true);
        threads.add(thread);
      }
      threads.forEach(Thread::start);
    }

    /**
     * Waits up to {@code timeout} for every message to be acknowledged or dead-lettered.
     *
     * @return true when the run is over
     */
    public boolean await(Duration timeout) throws InterruptedException {
      return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The counters so far; final once {@link #await} returned true. */
    public synchronized DeliveryStats stats() {
      long end = endNanos != 0 ? endNanos : System.nanoTime();
      return new DeliveryStats(
          messages.size(),
          schedule.length,
          dispatched,
          acknowledged,
          crashes,
          failures,
          deadLettered,
          Duration.ofNanos(end - startNanos),
          Collections.unmodifiableMap(new TreeMap<>(failuresByType)),
          firstFailure == null ? null : firstFailure.toString(),
          fatal == null ? null : fatal.toString());
    }

    /**
     * Stops the consumers after their current delivery and waits for them. If this thread is
     * interrupted meanwhile, it stops waiting and keeps its interrupt status.
     */
    @Override
    public void close() {
      synchronized (this) {
        stopped = true;
        notifyAll();
      }
      try {
        for (Thread thread : threads) {
          thread.join();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void consume() {
      try {
        Delivery delivery;
        while ((delivery = next()) != null) {
          T message = messages.get(delivery.index());
          try {
            listener.onMessage(message);
          } catch (Exception e) {
            failed(delivery, e);
            continue;
          } catch (Error e) {
            abort(e);
            return;
          }
          if (crashesBeforeAck(delivery.index(), delivery.attempt())) {
            crashed(delivery);
          } else {
            acknowledge();
          }
        }
      } finally {
        synchronized (this) {
          if (finished.getCount() == 1) {
            endNanos = System.nanoTime();
          }
        }
        finished.countDown();
      }
    }

    /** The next delivery for a consumer, waiting if others may still redeliver; null when done. */
    private synchronized Delivery next() {
      while (!stopped) {
        boolean exhausted = cursor >= schedule.length;
        Delivery due = redeliveries.peek();
        if (due != null && (exhausted || due.visibleAfter() <= dispatched)) {
          long wait = due.notBeforeNanos() - System.nanoTime();
          if (wait <= 0) {
            redeliveries.poll();
            return dispatch(due);
          }
          if (exhausted) {
            waitNanos(wait);
            continue;
          }
        }
        if (!exhausted) {
          return dispatch(new Delivery(schedule[cursor++], 1, 0, 0));
        }
        if (inFlight == 0 && redeliveries.isEmpty()) {
          return null;
        }
        waitNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
      return null;
    }

    private Delivery dispatch(Delivery delivery) {
      dispatched++;
      inFlight++;
      return delivery;
    }

    private void waitNanos(long nanos) {
      try {
        TimeUnit.NANOSECONDS.timedWait(this, Math.max(nanos, 100_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopped = true;
      }
    }

    private synchronized void acknowledge() {
      acknowledged++;
      settle();
    }

    private synchronized void crashed(Delivery delivery) {
      crashes++;
      redeliveries.add(
          new Delivery(delivery.index(), delivery.attempt() + 1, dispatched + redeliveryDelay, 0));
      settle();
    }

    private synchronized void failed(Delivery delivery, Exception failure) {
      failures++;
      failuresByType.merge(failure.getClass().getSimpleName(), 1L, Long::sum);
      if (firstFailure == null) {
        firstFailure = failure;
      }
      if (delivery.attempt() >= maxAttempts) {
        deadLettered++;
      } else {
        long backoff = TimeUnit.MILLISECONDS.toNanos(Math.min(delivery.attempt(), 20));
        redeliveries.add(
            new Delivery(
                delivery.index(),
                delivery.attempt() + 1,
                dispatched + redeliveryDelay,
                System.nanoTime() + backoff));
      }
      settle();
    }

    private synchronized void abort(Error error) {
      if (fatal == null) {
        fatal = error;
      }
      stopped = true;
      notifyAll();
    }

    private void settle() {
      inFlight--;
      if (cursor >= schedule.length) {
        notifyAll();
      }
    }
  }

  /** Configures an {@link AtLeastOnceBroker}. */
  public static final class Builder<T> {
    private final List<T> messages;
    private double duplicateRate = 0.2;
    private int duplicateWindow = 1_000;
    private double crashRate = 0.05;
    private int consumers = 4;
    private long seed = 42;
    private int redeliveryDelay = 200;
    private int maxAttempts = 100;

    private Builder(List<? extends T> messages) {
      this.messages = List.copyOf(messages);
    }

    /** The share of messages delivered twice, from 0 to 1; 0.2 by default. */
    public Builder<T> duplicateRate(double rate) {
      this.duplicateRate = requireRate("duplicate rate", rate, 1.0);
      return this;
    }

    /** How many deliveries later a duplicate may arrive at most; 1,000 by default. */
    public Builder<T> duplicateWindow(int window) {
      this.duplicateWindow = requireAtLeast("duplicate window", window, 0);
      return this;
    }

    /**
     * The probability that a consumer dies after its listener returned and before the
     * acknowledgement, from 0 up to (not including) 1; 0.05 by default.
     */
    public Builder<T> crashRate(double rate) {
      if (rate >= 1.0) {
        throw new IllegalArgumentException("crash rate must be below 1, was " + rate);
      }
      this.crashRate = requireRate("crash rate", rate, 1.0);
      return this;
    }

    /** The number of concurrent consumers; 4 by default. */
    public Builder<T> consumers(int consumers) {
      this.consumers = requireAtLeast("consumers", consumers, 1);
      return this;
    }

    /** The seed of every random choice; 42 by default. */
    public Builder<T> seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** How many deliveries later a crashed or failed delivery comes back; 200 by default. */
    public Builder<T> redeliveryDelay(int deliveries) {
      this.redeliveryDelay = requireAtLeast("redelivery delay", deliveries, 0);
      return this;
    }

    /** Attempts per message before it goes to the dead-letter queue; 100 by default. */
    public Builder<T> maxAttempts(int attempts) {
      this.maxAttempts = requireAtLeast("max attempts", attempts, 1);
      return this;
    }

    public AtLeastOnceBroker<T> build() {
      return new AtLeastOnceBroker<>(this);
    }

    private static double requireRate(String what, double rate, double max) {
      if (!(rate >= 0 && rate <= max)) {
        throw new IllegalArgumentException(what + " must be between 0 and " + max + ", was " + rate);
      }
      return rate;
    }

    private static int requireAtLeast(String what, int value, int min) {
      if (value < min) {
        throw new IllegalArgumentException(what + " must be at least " + min + ", was " + value);
      }
      return value;
    }
  }
}
