package io.idempo.runtime;

import io.idempo.IdempotentHandler;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An {@link IdempotencyStore} that keeps its records in the JVM's memory: for tests, and for a
 * single process whose dedup history may be lost when it stops.
 *
 * <p>Claims are atomic per key: a delivery is one {@link ConcurrentHashMap#putIfAbsent}, and its
 * completion one compare-and-set on the record it created.
 *
 * <p>The store holds about {@linkplain Builder#maxEntries(int) max entries} records. When it is
 * full, a new key evicts one completed record: one past its ttl if there is one, otherwise the one
 * completed first; a claim in progress is never evicted. Eviction costs the same at any size:
 * completed records wait in completion-ordered queues, one per ttl. If every record is a claim in
 * progress, the new claim fails with {@link IdempotencyStoreException} instead of growing the
 * store. Evicting a completed record before its ttl means that a very late duplicate of it would
 * run again: size the store for the traffic of one ttl.
 *
 * <p>A store of fewer than {@value #STRIPED_FROM} entries keeps that bound exactly (momentarily one
 * more record per thread claiming a new key at that instant: a claim inserts its record, then
 * counts it) and evicts in exact order. A larger store splits its bookkeeping into {@value
 * #STRIPES} stripes, so that threads claiming at once do not write the same memory: each thread
 * keeps to a stripe of its own (threads share stripes only beyond {@value #STRIPES}), where it
 * counts its claims and queues its completions. Two things become approximate, by a known amount:
 *
 * <ul>
 *   <li>the count: a stripe adds its claims to the store's total {@value #COUNT_BATCH} at a time,
 *       so the store may hold up to {@code (STRIPES - 1) * (COUNT_BATCH - 1)} records more than its
 *       capacity: 465, or 0.47% of the default capacity;
 *   <li>the order: a new key evicts from its own thread's stripe (in it, a record past its ttl
 *       first, otherwise its oldest), unless another stripe's oldest completed record is older
 *       than its own stripe's oldest by more than an eighth of the latter's age: then from the
 *       stripe with the oldest. So with one ttl, a record evicted at age {@code a} leaves no
 *       completed record older than {@code 9/8 a} (to the millisecond), a thread that starts
 *       late takes its share from the others, and a stripe that no thread uses any more is
 *       emptied, oldest first. With several ttls, a record past its ttl may stay until its
 *       stripe's next completion or {@link #purgeExpired()}, while an older record of a longer
 *       ttl goes.
 * </ul>
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

  /** The smallest capacity that splits into stripes; a smaller store counts exactly. */
  static final int STRIPED_FROM = 16_384;

  /** The number of stripes of a striped store: a power of two. */
  static final int STRIPES = 16;

  /** How many claims (or deletions) a stripe of a striped store counts before it adds them up. */
  static final int COUNT_BATCH = 32;

  /**
   * A striped store's thread, looking for an older stripe to evict from, takes one whose oldest
   * record is older than its own stripe's oldest by more than 1/this of the latter's age.
   */
  static final int OLDER_BY_FRACTION = 8;


  private static final int LONGS_PER_CACHE_LINE = 8;

  private static final VarHandle SHARED_WORDS = MethodHandles.arrayElementVarHandle(long[].class);

  /** Where {@link #sharedWords} keeps the count. */
  private static final int COUNTED = LONGS_PER_CACHE_LINE;

  /** An expiry that never comes. */
  private static final long NEVER = Long.MAX_VALUE;

  /** How many expired records a completion deletes from the head of its queue, at most. */
  private static final int TRIM_PER_COMPLETION = 2;

  /** Hands each thread, on its first claim, the next stripe index in turn. */
  private static final AtomicInteger NEXT_THREAD_INDEX = new AtomicInteger();

  private static final ThreadLocal<int[]> THREAD_INDEX =
      ThreadLocal.withInitial(() -> new int[] {NEXT_THREAD_INDEX.getAndIncrement()});

  private static final System.Logger LOG =
      System.getLogger(InMemoryIdempotencyStore.class.getName());

  /** Records by handler name, then by stored key. */
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Entry>> recordsByHandler =
      new ConcurrentHashMap<>();

  private final Stripe[] stripes;

  /**
   * The words that threads of different stripes write, each on a cache line of its own (a line
   * left empty on either side), so that writing one never evicts another, or the store's fields,
   * from a processor's cache: at {@link #COUNTED} the records counted so far (each stripe holds
   * back fewer than its count batch more or less), then each stripe's oldest completion (see
   * {@link StripeFields#oldestCompletedAt()}).
   */
  private final long[] sharedWords;

  private final int countBatch;
  private final int maxEntries;
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
    boolean striped = builder.maxEntries >= STRIPED_FROM;
    this.stripes = new Stripe[striped ? STRIPES : 1];
    this.sharedWords = new long[(stripes.length + 3) * LONGS_PER_CACHE_LINE];
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new Stripe(sharedWords, COUNTED + (i + 1) * LONGS_PER_CACHE_LINE);
    }
    this.countBatch = striped ? COUNT_BATCH : 1;
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
    Stripe stripe = stripes[THREAD_INDEX.get()[0] & (stripes.length - 1)];
    long now = clock.millis();
    Entry claimed = new Entry(records, stripe, storedKey, leaseEnd(handler, now));
    long waitStart = 0;
    int attempt = 0;
    while (true) {
      Entry current = records.putIfAbsent(storedKey, claimed);
      if (current == null) {
        if (!admit(stripe, now)) {
          records.remove(storedKey, claimed);
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
        claimed = new Entry(records, stripe, storedKey, leaseEnd(handler, now));
        continue;
      }
      // Expired: a completed record past its ttl, or a lease that ran out. Take it over.
      if (state == Entry.IN_PROGRESS && !current.abandon()) {
        continue; // completed or released meanwhile: decide again
      }
      // The key's record stays counted in the stripe that counted it, and the new record with it.
      Entry takeover = new Entry(records, current.stripe, storedKey, claimed.leaseEnd);
      if (records.replace(storedKey, current, takeover)) {
        if (listening) {
          notifyListener(l -> l.expired(handler, storedKey));
        }
        return new MemoryClaim(handler, takeover);
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
    for (Stripe stripe : stripes) {
      synchronized (stripe) {
        for (ArrayDeque<Entry> queue : stripe.completedByTtl.values()) {
          Entry head;
          while ((head = queue.peek()) != null && head.expiresAt <= now) {
            if (deleteHead(stripe, queue)) {
              purged++;
            }
          }
        }
      }
    }
    long count = purged;
    notifyListener(l -> l.purged(count));
    return count;
  }

  /**
   * The number of records held, completed or in progress, expired or not. A striped store adds it
   * up stripe by stripe, so claims running meanwhile on other threads can skew it.
   */
  public int size() {
    long size = 0;
    for (Stripe stripe : stripes) {
      synchronized (stripe) {
        size += stripe.held;
      }
    }
    return (int) size;
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

  /**
   * Counts a record just inserted by a claim of this thread's {@code own} stripe, and evicts a
   * completed record if that takes the store over its capacity. Returns false, counting nothing,
   * if it cannot: every record is a claim in progress.
   */
  private boolean admit(Stripe own, long now) {
    long ownOldest;
    synchronized (own) {
      if (count(own, 1) <= maxEntries) {
        return true;
      }
      ownOldest = own.oldestCompletedAt();
    }
    // Evict from this thread's own stripe, whose memory this processor holds already, unless
    // another stripe's oldest completed record is older than this one's by more than an eighth of
    // its age: then from the stripe with the oldest.
    Stripe target = own;
    if (stripes.length > 1) {
      long best =
          ownOldest == Long.MAX_VALUE
              ? Long.MAX_VALUE
              : ownOldest - Math.max(0, now - ownOldest) / OLDER_BY_FRACTION;
      for (Stripe stripe : stripes) {
        long oldest = stripe.oldestCompletedAt();
        if (oldest < best) {
          best = oldest;
          target = stripe;
        }
      }
    }
    if (evictFrom(target, now)) {
      return true;
    }
    // Its record went meanwhile: take any stripe's.
    for (Stripe stripe : stripes) {
      if (evictFrom(stripe, now)) {
        return true;
      }
    }
    synchronized (own) {
      count(own, -1);
    }
    return false;
  }

  /** Evicts one completed record of {@code stripe}, if it has one. */
  private boolean evictFrom(Stripe stripe, long now) {
    synchronized (stripe) {
      ArrayDeque<Entry> queue;
      while ((queue = stripe.evictionCandidate(now)) != null) {
        if (deleteHead(stripe, queue)) {
          return true;
        }
        // The head had been taken over after its ttl: its key's record is another one. Go on.
      }
      return false;
    }
  }

  /**
   * Takes a queue's head off and deletes its record, unless another delivery has taken the key
   * over since the record expired. Holds the stripe's lock.
   */
  private boolean deleteHead(Stripe stripe, ArrayDeque<Entry> queue) {
    Entry head = queue.poll();
    stripe.publishOldest();
    if (head.records.remove(head.storedKey, head)) {
      count(stripe, -1);
      return true;
    }
    return false;
  }

  /**
   * Counts {@code delta} records in {@code stripe}, and returns the store's total as this stripe
   * sees it. Holds the stripe's lock.
   */
  private long count(Stripe stripe, int delta) {
    stripe.held += delta;
    int pending = stripe.uncounted + delta;
    if (pending >= countBatch || pending <= -countBatch) {
      stripe.uncounted = 0;
      return (long) SHARED_WORDS.getAndAdd(sharedWords, COUNTED, (long) pending) + pending;
    }
    stripe.uncounted = pending;
    return (long) SHARED_WORDS.getVolatile(sharedWords, COUNTED) + pending;
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
   * A stripe's bookkeeping: the records it counted and its completed records in completion order,
   * one queue per ttl. Within a queue, completion order is expiry order, so each queue's head is
   * its first record to expire and its oldest. Guarded by the stripe's own lock ({@code
   * synchronized}), which other threads take only to evict an older record or to release a claim
   * of this stripe's.
   */
  private static class StripeFields {
    final HashMap<Duration, ArrayDeque<Entry>> completedByTtl = new HashMap<>();

    /** The records counted in this stripe and still held. */
    long held;

    /** Claims minus deletions not yet added to the store's total. */
    int uncounted;

    /** The store's shared words, and this stripe's slot in them for its oldest completion. */
    private final long[] sharedWords;

    private final int slot;

    StripeFields(long[] sharedWords, int slot) {
      this.sharedWords = sharedWords;
      this.slot = slot;
      setOldestCompletedAt(Long.MAX_VALUE);
    }

    /**
     * When this stripe's oldest completed record completed, in epoch millis; Long.MAX_VALUE if it
     * has none. Other threads read it without the lock, to choose a stripe to evict from. It sits
     * on a cache line of its own, away from the fields written on every claim, and changes at most
     * once a millisecond, so reading it seldom misses the cache.
     */
    long oldestCompletedAt() {
      return (long) SHARED_WORDS.getOpaque(sharedWords, slot);
    }

    private void setOldestCompletedAt(long oldest) {
      SHARED_WORDS.setOpaque(sharedWords, slot, oldest);
    }

    /**
     * The queue to evict from: one whose head is past its ttl if there is one, otherwise the one
     * whose head completed first; null if every queue is empty.
     */
    ArrayDeque<Entry> evictionCandidate(long now) {
      ArrayDeque<Entry> candidate = null;
      long oldest = Long.MAX_VALUE;
      for (ArrayDeque<Entry> queue : completedByTtl.values()) {
        Entry head = queue.peek();
        if (head == null) {
          continue;
        }
        if (head.expiresAt <= now) {
          return queue;
        }
        if (head.completedAt < oldest) {
          oldest = head.completedAt;
          candidate = queue;
        }
      }
      return candidate;
    }

    /** Queues a record just completed, and returns its queue. */
    ArrayDeque<Entry> queue(Entry completed, Duration ttl) {
      ArrayDeque<Entry> queue = completedByTtl.computeIfAbsent(ttl, t -> new ArrayDeque<>());
      queue.add(completed);
      if (oldestCompletedAt() == Long.MAX_VALUE) {
        setOldestCompletedAt(completed.completedAt);
      }
      return queue;
    }

    /** Sets {@link #oldestCompletedAt()} after a queue's head was taken off. */
    void publishOldest() {
      long oldest = Long.MAX_VALUE;
      for (ArrayDeque<Entry> queue : completedByTtl.values()) {
        Entry head = queue.peek();
        if (head != null) {
          oldest = Math.min(oldest, head.completedAt);
        }
      }
      if (oldest != oldestCompletedAt()) {
        setOldestCompletedAt(oldest);
      }
    }
  }

  /**
   * A stripe, padded: threads on different processors write different stripes, so no stripe's
   * fields may share a cache line with the next object in memory.
   */
  @SuppressWarnings("unused") // the padding is never read
  private static final class Stripe extends StripeFields {
    long pad0;
    long pad1;
    long pad2;
    long pad3;
    long pad4;
    long pad5;
    long pad6;
    long pad7;

    Stripe(long[] sharedWords, int slot) {
      super(sharedWords, slot);
    }
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

    /** The stripe that counts this record, and queues it once completed. */
    final Stripe stripe;

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

    Entry(
        ConcurrentHashMap<String, Entry> records, Stripe stripe, String storedKey, long leaseEnd) {
      this.records = records;
      this.stripe = stripe;
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
      Stripe stripe = claimed.stripe;
      synchronized (stripe) {
        ArrayDeque<Entry> queue = stripe.queue(claimed, ttl);
        for (int i = 0; i < TRIM_PER_COMPLETION; i++) {
          Entry head = queue.peek();
          if (head.expiresAt > now) {
            break;
          }
          deleteHead(stripe, queue);
        }
      }
      if (listening) {
        notifyListener(l -> l.completed(handler, claimed.storedKey));
      }
    }

    @Override
    protected void discard(Throwable failure) {
      if (claimed.records.remove(claimed.storedKey, claimed)) {
        synchronized (claimed.stripe) {
          count(claimed.stripe, -1);
        }
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
