package io.idempo.runtime;

import io.idempo.IdempotentHandler;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * An {@link IdempotencyStore} that keeps its records in the JVM's memory: for tests, and for a
 * single process whose dedup history may be lost when it stops.
 *
 * <p>Claims are atomic per key ({@link ConcurrentHashMap#compute}); there is no global lock on the
 * claim path. The store holds at most {@linkplain Builder#maxEntries(int) max entries} records.
 * When it is full, a new key first evicts completed records past their ttl, then the oldest
 * completed records (a batch of about 1/64 of the capacity, so that eviction is rare); a claim in
 * progress is never evicted. If every record is a claim in progress, the new claim fails with
 * {@link IdempotencyStoreException} instead of growing the store. Evicting a completed record
 * before its ttl means that a very late duplicate of it would run again: size the store for the
 * traffic of one ttl.
 *
 * <p>There is no transaction, so {@link IdempotentHandler.Mode#TRANSACTIONAL} and {@link
 * IdempotentHandler.Mode#LEASE} behave the same, except that a lease-mode claim in progress counts
 * as absent once its {@linkplain HandlerDescriptor#lease() lease} has run out, and the next
 * delivery takes it over. A transactional-mode claim stays in progress until it is completed or
 * released.
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

  /** The default capacity. */
  public static final int DEFAULT_MAX_ENTRIES = 100_000;

  private static final System.Logger LOG =
      System.getLogger(InMemoryIdempotencyStore.class.getName());

  private final ConcurrentHashMap<EntryKey, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicLong completionSequence = new AtomicLong();
  private final ReentrantLock evictionLock = new ReentrantLock();
  private final int maxEntries;
  private final Clock clock;
  private final InFlightPolicy inFlightPolicy;
  private final IdempotencyListener listener;

  /** A store with the default capacity, the system clock and {@link InFlightPolicy#fail()}. */
  public InMemoryIdempotencyStore() {
    this(builder());
  }

  private InMemoryIdempotencyStore(Builder builder) {
    this.maxEntries = builder.maxEntries;
    this.clock = builder.clock;
    this.inFlightPolicy = builder.inFlightPolicy;
    this.listener = builder.listener;
  }

  /** Starts configuring a store. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Claim claim(HandlerDescriptor handler, String key) {
    Objects.requireNonNull(handler, "handler");
    String storedKey = StoredKeys.storedKey(handler, key);
    EntryKey entryKey = new EntryKey(handler.name(), storedKey);
    long waitStart = System.nanoTime();
    int attempt = 0;
    int evictions = 0;
    while (true) {
      Decision decision = decide(handler, entryKey);
      switch (decision.outcome()) {
        case ACQUIRED -> {
          notifyListener(l -> l.claimed(handler, storedKey));
          return new MemoryClaim(handler, entryKey, decision.entry());
        }
        case TAKEN_OVER -> {
          notifyListener(l -> l.expired(handler, storedKey));
          return new MemoryClaim(handler, entryKey, decision.entry());
        }
        case DUPLICATE -> {
          notifyListener(l -> l.duplicate(handler, storedKey));
          return Claim.duplicate(decision.entry().result);
        }
        case IN_PROGRESS -> {
          if (!inFlightPolicy.pauseBeforeRetry(waitStart, attempt++)) {
            notifyListener(l -> l.inProgress(handler, storedKey));
            throw new DuplicateInProgressException(handler, key);
          }
        }
        case FULL -> {
          if (evictions++ >= 3 || !evict()) {
            throw new IdempotencyStoreException(
                "in-memory idempotency store is full: all "
                    + maxEntries
                    + " entries are claims in progress, so handler "
                    + handler.name()
                    + " cannot claim key '"
                    + abbreviate(storedKey)
                    + "'; raise InMemoryIdempotencyStore.builder().maxEntries(...) or check that"
                    + " every claim is completed or released");
          }
        }
      }
    }
  }

  /**
   * Deletes every completed record past its ttl.
   *
   * @return the number of records deleted
   */
  public long purgeExpired() {
    Instant now = clock.instant();
    long purged = 0;
    for (Map.Entry<EntryKey, Entry> e : entries.entrySet()) {
      Entry entry = e.getValue();
      if (entry.completed && entry.isExpired(now) && entries.remove(e.getKey(), entry)) {
        size.decrementAndGet();
        purged++;
      }
    }
    long count = purged;
    notifyListener(l -> l.purged(count));
    return count;
  }

  /** The number of records held, completed or in progress, expired or not. */
  public int size() {
    return size.get();
  }

  /** The capacity. */
  public int maxEntries() {
    return maxEntries;
  }

  private Decision decide(HandlerDescriptor handler, EntryKey entryKey) {
    Instant now = clock.instant();
    Decision[] decision = new Decision[1];
    entries.compute(
        entryKey,
        (k, current) -> {
          if (current != null && !current.isExpired(now)) {
            decision[0] =
                new Decision(current.completed ? Outcome.DUPLICATE : Outcome.IN_PROGRESS, current);
            return current;
          }
          if (current == null && !reserveSlot()) {
            decision[0] = new Decision(Outcome.FULL, null);
            return null;
          }
          Instant leaseEnd =
              handler.mode() == IdempotentHandler.Mode.LEASE ? plus(now, handler.lease()) : null;
          Entry claimed = new Entry(false, null, leaseEnd, 0);
          decision[0] =
              new Decision(current == null ? Outcome.ACQUIRED : Outcome.TAKEN_OVER, claimed);
          return claimed;
        });
    return decision[0];
  }

  private boolean reserveSlot() {
    while (true) {
      int current = size.get();
      if (current >= maxEntries) {
        return false;
      }
      if (size.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  /** Makes room: expired completed records first, then the oldest completed ones. */
  private boolean evict() {
    evictionLock.lock();
    try {
      if (size.get() < maxEntries) {
        return true;
      }
      Instant now = clock.instant();
      List<Map.Entry<EntryKey, Entry>> completed = new ArrayList<>();
      for (Map.Entry<EntryKey, Entry> e : entries.entrySet()) {
        Entry entry = e.getValue();
        if (!entry.completed) {
          continue;
        }
        if (entry.isExpired(now)) {
          if (entries.remove(e.getKey(), entry)) {
            size.decrementAndGet();
          }
        } else {
          completed.add(Map.entry(e.getKey(), entry));
        }
      }
      int target = maxEntries - Math.max(1, maxEntries / 64);
      if (size.get() > target) {
        completed.sort(Comparator.comparingLong(e -> e.getValue().sequence));
        for (Map.Entry<EntryKey, Entry> e : completed) {
          if (size.get() <= target) {
            break;
          }
          if (entries.remove(e.getKey(), e.getValue())) {
            size.decrementAndGet();
          }
        }
      }
      return size.get() < maxEntries;
    } finally {
      evictionLock.unlock();
    }
  }

  private void notifyListener(Consumer<IdempotencyListener> event) {
    try {
      event.accept(listener);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "IdempotencyListener " + listener.getClass().getName() + " threw", e);
    }
  }

  static Instant plus(Instant instant, Duration duration) {
    try {
      return instant.plus(duration);
    } catch (DateTimeException | ArithmeticException e) {
      return Instant.MAX;
    }
  }

  private static String abbreviate(String key) {
    return key.length() <= 80 ? key : key.substring(0, 77) + "...";
  }

  private enum Outcome {
    ACQUIRED,
    TAKEN_OVER,
    DUPLICATE,
    IN_PROGRESS,
    FULL
  }

  private record Decision(Outcome outcome, Entry entry) {}

  private record EntryKey(String handler, String key) {}

  /**
   * One record. Immutable; the map compares entries by identity, so a claim only ever completes or
   * removes the entry it created.
   */
  private static final class Entry {
    final boolean completed;
    final byte[] result;

    /** End of the ttl (completed) or of the lease (lease mode); null: never. */
    final Instant expiresAt;

    /** Completion order, for evicting the oldest completed records first. */
    final long sequence;

    Entry(boolean completed, byte[] result, Instant expiresAt, long sequence) {
      this.completed = completed;
      this.result = result;
      this.expiresAt = expiresAt;
      this.sequence = sequence;
    }

    boolean isExpired(Instant now) {
      return expiresAt != null && !now.isBefore(expiresAt);
    }
  }

  private final class MemoryClaim extends Claim {
    private final HandlerDescriptor handler;
    private final EntryKey entryKey;
    private final Entry claimed;

    MemoryClaim(HandlerDescriptor handler, EntryKey entryKey, Entry claimed) {
      this.handler = handler;
      this.entryKey = entryKey;
      this.claimed = claimed;
    }

    @Override
    protected void recordCompletion(byte[] encodedResult) {
      Entry done =
          new Entry(
              true,
              encodedResult,
              plus(clock.instant(), handler.ttl()),
              completionSequence.incrementAndGet());
      if (!entries.replace(entryKey, claimed, done)) {
        throw new IdempotencyStoreException(
            "lease of handler "
                + handler.name()
                + " on key '"
                + abbreviate(entryKey.key)
                + "' expired after "
                + handler.lease()
                + " and another delivery took the key over, so this completion was not recorded;"
                + " the handler's effects may have happened twice. Choose a lease longer than the"
                + " handler's slowest run");
      }
      notifyListener(l -> l.completed(handler, entryKey.key));
    }

    @Override
    protected void discard(Throwable failure) {
      if (entries.remove(entryKey, claimed)) {
        size.decrementAndGet();
      }
      notifyListener(l -> l.released(handler, entryKey.key, failure));
    }
  }

  /** Configures an {@link InMemoryIdempotencyStore}. */
  public static final class Builder {
    private int maxEntries = DEFAULT_MAX_ENTRIES;
    private Clock clock = Clock.systemUTC();
    private InFlightPolicy inFlightPolicy = InFlightPolicy.fail();
    private IdempotencyListener listener = IdempotencyListener.NONE;

    private Builder() {}

    /** The most records the store holds; at least 1. Default 100 000. */
    public Builder maxEntries(int maxEntries) {
      if (maxEntries < 1) {
        throw new IllegalArgumentException("maxEntries must be at least 1, was " + maxEntries);
      }
      this.maxEntries = maxEntries;
      return this;
    }

    /** The clock for ttl and lease expiry; tests pass a controllable one. Default: system UTC. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** What a delivery does when its key is claimed by a running delivery. */
    public Builder inFlightPolicy(InFlightPolicy inFlightPolicy) {
      this.inFlightPolicy = Objects.requireNonNull(inFlightPolicy, "inFlightPolicy");
      return this;
    }

    /** Observes claims, duplicates and completions. */
    public Builder listener(IdempotencyListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    public InMemoryIdempotencyStore build() {
      return new InMemoryIdempotencyStore(this);
    }
  }
}
