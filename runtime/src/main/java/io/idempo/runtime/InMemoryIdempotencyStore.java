package io.idempo.runtime;

import io.idempo.IdempotentHandler;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * An {@link IdempotencyStore} that keeps its records in the JVM's memory: for tests, and for a
 * single process whose dedup history may be lost when it stops.
 *
 * <p>Claims are atomic per key: a delivery is one {@link ConcurrentHashMap#putIfAbsent}, and its
 * completion one compare-and-set on the record it created; only eviction takes a lock. The store
 * holds at most {@linkplain Builder#maxEntries(int) max entries} records (momentarily one more per
 * thread claiming a new key at that instant: a claim inserts its record, then evicts). When it is
 * full, a new key evicts completed records: first those past their ttl, then those completed
 * first, a batch at a time (about 1/1024 of the capacity, at most 32), under the eviction lock; a
 * claim in progress is never evicted. Eviction costs the same at any size: it takes the heads of
 * completion-ordered queues, one queue per ttl. If every record is a claim in progress, the new
 * claim fails with {@link IdempotencyStoreException} instead of growing the store. Evicting a
 * completed record before its ttl means that a very late duplicate of it would run again: size
 * the store for the traffic of one ttl.
 *
 * <p>There is no transaction, so {@link IdempotentHandler.Mode#TRANSACTIONAL} and {@link
 * IdempotentHandler.Mode#LEASE} behave the same, except that a lease-mode claim in progress counts
 * as absent once its {@linkplain HandlerDescriptor#lease() lease} has run out, and the next
 * delivery takes it over. A transactional-mode claim stays in progress until it is completed or
 * released. Ttl and lease are kept to the millisecond, rounded up.
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

  /** The default capacity. */
  public static final int DEFAULT_MAX_ENTRIES = 100_000;

  /** An expiry that never comes. */
  private static final long NEVER = Long.MAX_VALUE;

  /** How many expired records a completion deletes from the head of its queue, at most. */
  private static final int TRIM_PER_COMPLETION = 2;

  private static final System.Logger LOG =
      System.getLogger(InMemoryIdempotencyStore.class.getName());

  /** Records by handler name, then by stored key. */
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Entry>> recordsByHandler =
      new ConcurrentHashMap<>();

  /**
   * Completed records in completion order, one queue per ttl. Within a queue, completion order is
   * expiry order, so each queue's head is its first record to expire and its oldest. Any thread
   * appends; only the holder of {@link #evictionLock} takes from the head.
   */
  private final ConcurrentHashMap<Duration, ConcurrentLinkedQueue<Entry>> completedByTtl =
      new ConcurrentHashMap<>();

  private final ReentrantLock evictionLock = new ReentrantLock();
  private final LongAdder size = new LongAdder();
  private final int maxEntries;
  private final int evictionBatch;
  private final Clock clock;
  private final InFlightPolicy inFlightPolicy;
  private final IdempotencyListener listener;
  private final boolean listening;

  /** A store with the default capacity, the system clock and {@link InFlightPolicy#fail()}. */
  public InMemoryIdempotencyStore() {
    this(builder());
  }

  private InMemoryIdempotencyStore(Builder builder) {
    this.maxEntries = builder.maxEntries;
    this.evictionBatch = Math.max(1, Math.min(32, builder.maxEntries / 1024));
    this.clock = builder.clock;
    this.inFlightPolicy = builder.inFlightPolicy;
    this.listener = builder.listener;
    this.listening = builder.listener != IdempotencyListener.NONE;
  }

  /** Starts configuring a store. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Claim claim(HandlerDescriptor handler, String key) {
    Objects.requireNonNull(handler, "handler");
    String storedKey = StoredKeys.storedKey(handler, key);
    ConcurrentHashMap<String, Entry> records = recordsOf(handler);
    long now = clock.millis();
    Entry claimed = new Entry(records, storedKey, leaseEnd(handler, now));
    long waitStart = 0;
    int attempt = 0;
    while (true) {
      Entry current = records.putIfAbsent(storedKey, claimed);
      if (current == null) {
        size.increment();
        if (size.sum() > maxEntries && !makeRoom(now)) {
          if (records.remove(storedKey, claimed)) {
            size.decrement();
          }
          throw storeFull(handler, storedKey);
        }
        if (listening) {
          notifyListener(l -> l.claimed(handler, storedKey));
        }
        return new MemoryClaim(handler, claimed);
      }
      int state = current.state;
      if (state == Entry.COMPLETED && now < current.expiresAt) {
        if (listening) {
          notifyListener(l -> l.duplicate(handler, storedKey));
        }
        return Claim.duplicate(current.result);
      }
      if (state == Entry.IN_PROGRESS && now < current.leaseEnd) {
        if (attempt == 0) {
          waitStart = System.nanoTime();
        }
        if (!inFlightPolicy.pauseBeforeRetry(waitStart, attempt++)) {
          if (listening) {
            notifyListener(l -> l.inProgress(handler, storedKey));
          }
          throw new DuplicateInProgressException(handler, key);
        }
        now = clock.millis();
        claimed = new Entry(records, storedKey, leaseEnd(handler, now));
        continue;
      }
      // Expired: a completed record past its ttl, or a lease that ran out. Take it over.
      if (state == Entry.IN_PROGRESS && !current.abandon()) {
        continue; // completed or released meanwhile: decide again
      }
      if (records.replace(storedKey, current, claimed)) {
        if (listening) {
          notifyListener(l -> l.expired(handler, storedKey));
        }
        return new MemoryClaim(handler, claimed);
      }
    }
  }

  /**
   * Deletes every completed record past its ttl.
   *
   * @return the number of records deleted
   */
  public long purgeExpired() {
    long now = clock.millis();
    long purged = 0;
    evictionLock.lock();
    try {
      for (ConcurrentLinkedQueue<Entry> queue : completedByTtl.values()) {
        Entry head;
        while ((head = queue.peek()) != null && head.expiresAt <= now) {
          queue.poll();
          if (delete(head)) {
            purged++;
          }
        }
      }
    } finally {
      evictionLock.unlock();
    }
    long count = purged;
    notifyListener(l -> l.purged(count));
    return count;
  }

  /** The number of records held, completed or in progress, expired or not. */
  public int size() {
    return size.intValue();
  }

  /** The capacity. */
  public int maxEntries() {
    return maxEntries;
  }

  private ConcurrentHashMap<String, Entry> recordsOf(HandlerDescriptor handler) {
    ConcurrentHashMap<String, Entry> records = recordsByHandler.get(handler.name());
    return records != null
        ? records
        : recordsByHandler.computeIfAbsent(handler.name(), name -> new ConcurrentHashMap<>());
  }

  /** The queue of completed records with {@code ttl}. */
  private ConcurrentLinkedQueue<Entry> completedQueue(Duration ttl) {
    ConcurrentLinkedQueue<Entry> queue = completedByTtl.get(ttl);
    return queue != null
        ? queue
        : completedByTtl.computeIfAbsent(ttl, t -> new ConcurrentLinkedQueue<>());
  }


  /**
   * Brings the store back to its capacity by evicting completed records, a batch at a time.
   * Returns false if it cannot, because every record is a claim in progress. A thread that finds
   * another one evicting waits for the lock; the batch the other thread evicted below the
   * capacity leaves it that much less to evict, often nothing.
   */
  private boolean makeRoom(long now) {
    evictionLock.lock();
    try {
      // A fixed count: claims that go on meanwhile must not keep this thread evicting forever.
      long excess = size.sum() - maxEntries;
      for (long i = 0; i < excess + evictionBatch - 1; i++) {
        if (!evictOne(now)) {
          return size.sum() <= maxEntries;
        }
      }
      return true;
    } finally {
      evictionLock.unlock();
    }
  }

  /**
   * Takes one completed record off a queue and deletes it: a head past its ttl if there is one,
   * otherwise the head completed first. Returns false if every queue is empty. Holds the lock.
   */
  private boolean evictOne(long now) {
    ConcurrentLinkedQueue<Entry> from = null;
    long oldest = Long.MAX_VALUE;
    for (ConcurrentLinkedQueue<Entry> queue : completedByTtl.values()) {
      Entry head = queue.peek();
      if (head == null) {
        continue;
      }
      if (head.expiresAt <= now) {
        from = queue;
        break;
      }
      if (head.completedAt < oldest) {
        oldest = head.completedAt;
        from = queue;
      }
    }
    if (from == null) {
      return false;
    }
    delete(from.poll()); // the lock holder is the only taker, so this is the head it looked at
    return true;
  }

  /** Deletes expired records from the head of {@code queue}, a few, unless eviction is busy. */
  private void trimExpired(ConcurrentLinkedQueue<Entry> queue, long now) {
    Entry head = queue.peek();
    if (head == null || head.expiresAt > now || !evictionLock.tryLock()) {
      return;
    }
    try {
      for (int i = 0; i < TRIM_PER_COMPLETION; i++) {
        head = queue.peek();
        if (head == null || head.expiresAt > now) {
          return;
        }
        delete(queue.poll());
      }
    } finally {
      evictionLock.unlock();
    }
  }

  /** Deletes a completed record, unless another delivery has taken it over since it expired. */
  private boolean delete(Entry completed) {
    if (completed.records.remove(completed.storedKey, completed)) {
      size.decrement();
      return true;
    }
    return false;
  }

  private IdempotencyStoreException storeFull(HandlerDescriptor handler, String storedKey) {
    return new IdempotencyStoreException(
        "in-memory idempotency store is full: all "
            + maxEntries
            + " entries are claims in progress, so handler "
            + handler.name()
            + " cannot claim key '"
            + abbreviate(storedKey)
            + "'; raise InMemoryIdempotencyStore.builder().maxEntries(...) or check that"
            + " every claim is completed or released");
  }

  private void notifyListener(Consumer<IdempotencyListener> event) {
    try {
      event.accept(listener);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "IdempotencyListener " + listener.getClass().getName() + " threw", e);
    }
  }

  private static long leaseEnd(HandlerDescriptor handler, long now) {
    return handler.mode() == IdempotentHandler.Mode.LEASE ? plus(now, handler.lease()) : NEVER;
  }

  /** {@code millis + duration}, rounded up to the millisecond, or {@link #NEVER} on overflow. */
  private static long plus(long millis, Duration duration) {
    try {
      long durationMillis = duration.toMillis();
      if (duration.toNanosPart() % 1_000_000 != 0) {
        durationMillis = Math.addExact(durationMillis, 1);
      }
      return Math.addExact(millis, durationMillis);
    } catch (ArithmeticException e) {
      return NEVER;
    }
  }

  private static String abbreviate(String key) {
    return key.length() <= 80 ? key : key.substring(0, 77) + "...";
  }

  /**
   * One record: a claim in progress, then a completed record. The maps compare records by
   * identity, so a claim only ever completes or removes the record it created.
   */
  private static final class Entry {
    static final int IN_PROGRESS = 0;
    static final int COMPLETED = 1;
    static final int ABANDONED = 2;

    private static final VarHandle STATE;

    static {
      try {
        STATE = MethodHandles.lookup().findVarHandle(Entry.class, "state", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final ConcurrentHashMap<String, Entry> records;
    final String storedKey;

    /** End of the lease in epoch millis (lease mode), or NEVER. */
    final long leaseEnd;

    // Written once by the completing thread before state becomes COMPLETED; read after it is.
    byte[] result;
    long completedAt;

    /** End of the ttl in epoch millis; NEVER until completed. */
    long expiresAt = NEVER;

    /** IN_PROGRESS, then COMPLETED (by its claim) or ABANDONED (by a takeover after the lease). */
    volatile int state = IN_PROGRESS;

    Entry(ConcurrentHashMap<String, Entry> records, String storedKey, long leaseEnd) {
      this.records = records;
      this.storedKey = storedKey;
      this.leaseEnd = leaseEnd;
    }

    boolean complete(byte[] result, long completedAt, long expiresAt) {
      this.result = result;
      this.completedAt = completedAt;
      this.expiresAt = expiresAt;
      return STATE.compareAndSet(this, IN_PROGRESS, COMPLETED);
    }

    boolean abandon() {
      return STATE.compareAndSet(this, IN_PROGRESS, ABANDONED);
    }
  }

  private final class MemoryClaim extends Claim {
    private final HandlerDescriptor handler;
    private final Entry claimed;

    MemoryClaim(HandlerDescriptor handler, Entry claimed) {
      this.handler = handler;
      this.claimed = claimed;
    }

    @Override
    protected void recordCompletion(byte[] encodedResult) {
      long now = clock.millis();
      Duration ttl = handler.ttl();
      if (!claimed.complete(encodedResult, now, plus(now, ttl))) {
        throw new IdempotencyStoreException(
            "lease of handler "
                + handler.name()
                + " on key '"
                + abbreviate(claimed.storedKey)
                + "' expired after "
                + handler.lease()
                + " and another delivery took the key over, so this completion was not recorded;"
                + " the handler's effects may have happened twice. Choose a lease longer than the"
                + " handler's slowest run");
      }
      ConcurrentLinkedQueue<Entry> queue = completedQueue(ttl);
      queue.add(claimed);
      trimExpired(queue, now);
      if (listening) {
        notifyListener(l -> l.completed(handler, claimed.storedKey));
      }
    }

    @Override
    protected void discard(Throwable failure) {
      if (claimed.records.remove(claimed.storedKey, claimed)) {
        size.decrement();
      }
      if (listening) {
        notifyListener(l -> l.released(handler, claimed.storedKey, failure));
      }
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
