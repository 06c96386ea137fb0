package io.idempo.runtime;

import io.idempo.IdempotentHandler;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link IdempotencyStore} that keeps its records in the JVM's memory: for tests, and for a
 * single process whose dedup history may be lost when it stops.
 *
 * <p>Claims are atomic per key: a delivery is one {@link ConcurrentHashMap#putIfAbsent}, and its
 * completion one compare-and-set on the record it created. The store holds at most {@linkplain
 * Builder#maxEntries(int) max entries} records (momentarily one more per thread claiming a new key
 * at that instant: a claim inserts its record, then counts it). When it is full, a new key evicts
 * completed records: first those past their ttl, then those completed first, a batch at a time; a
 * claim in progress is never evicted. Eviction costs the same at any size: it takes the heads of
 * completion-ordered queues, one queue per ttl. If every record is a claim in progress, the new
 * claim fails with {@link IdempotencyStoreException} instead of growing the store. Evicting a
 * completed record before its ttl means that a very late duplicate of it would run again: size the
 * store for the traffic of one ttl.
 *
 * <p>Threads share as little memory as they can, because shared memory is what costs when many
 * threads deliver at once. Threads map by id to stripes, at least four per processor. A stripe
 * takes room for new records from the store a batch at a time (1/128 of the capacity divided among
 * the stripes, at most 256 records; 1 in a store of fewer than 128 records per stripe), and buffers
 * the records its threads complete. Only when its room is used up, or a batch of completions is
 * buffered, does a thread take the store's lock: to move every stripe's buffered completions into
 * the queues and, if the store is full, to take a batch of records to evict, which it then deletes
 * outside the lock. Three things follow:
 *
 * <ul>
 *   <li>A completed record is evictable once it has been moved into its queue: at most two batches
 *       per stripe wait in buffers.
 *   <li>Eviction follows completion order within a stripe. Completions of different stripes moved
 *       at once (at most two batches from each) are not reordered among themselves.
 *   <li>Room a stripe took but has not used yet (less than a batch, plus the room of claims its
 *       threads released) is taken back when the store has nothing else to evict, so a store full
 *       of claims in progress holds exactly its capacity.
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

  /** An expiry that never comes. */
  private static final long NEVER = Long.MAX_VALUE;

  /** How many expired records each completion moved into the queues deletes from their heads. */
  private static final int TRIM_PER_COMPLETION = 2;

  /** Records by handler name, then by stored key. */
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Entry>> recordsByHandler =
      new ConcurrentHashMap<>();

  /** Guards the queues and {@link #unclaimed}. */
  private final ReentrantLock lock = new ReentrantLock();

  /** Records taken off the queues to evict, whose map deletes are still under way. */
  private final AtomicInteger evicting = new AtomicInteger();

  /**
   * Completed records in completion order, one queue per ttl. Within a queue, completion order is
   * expiry order, so each queue's head is its first record to expire and its oldest.
   */
  private final Map<Duration, ArrayDeque<Entry>> completedByTtl = new HashMap<>();

  /** The queues of {@link #completedByTtl}, to look at every head without an iterator. */
  private final List<ArrayDeque<Entry>> queues = new ArrayList<>();

  /** Capacity that no record and no stripe holds. */
  private long unclaimed;

  /** Where threads keep their share of the capacity and their completions; by thread id. */
  private final Stripe[] stripes;

  private final int maxEntries;

  /**
   * How much room a thread takes from the store at a time (evicting as many records when the store
   * is full), and how many completions it buffers before it moves them into the queues.
   */
  private final int batch;

  private final Clock clock;
  private final InFlightPolicy inFlightPolicy;
  private final StoreEvents events;

  /** A store with the default capacity, the system clock and {@link InFlightPolicy#fail()}. */
  public InMemoryIdempotencyStore() {
    this(builder());
  }

  private InMemoryIdempotencyStore(Builder builder) {
    this.maxEntries = builder.maxEntries;
    this.unclaimed = builder.maxEntries;
    // A power of two of at least four per processor, at most 64.
    int stripeCount =
        Math.min(64, Integer.highestOneBit(4 * Runtime.getRuntime().availableProcessors() - 1) * 2);
    // Stripes hold at most 1/128 of the capacity as room they have not used yet.
    this.batch = Math.max(1, Math.min(256, builder.maxEntries / 128 / stripeCount));
    this.stripes = new Stripe[stripeCount];
    for (int i = 0; i < stripeCount; i++) {
      stripes[i] = new Stripe(2 * batch);
    }
    this.clock = builder.clock;
    this.inFlightPolicy = builder.inFlightPolicy;
    this.events = new StoreEvents(builder.listener);
  }

  /** Starts configuring a store. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Claim claim(HandlerDescriptor handler, String key) {
    long start = events.claimStart();
    Objects.requireNonNull(handler, "handler");
    String storedKey = StoredKeys.storedKey(handler, key);
    Claim claim;
    try {
      claim = claimStoredKey(handler, key, storedKey);
    } catch (DuplicateInProgressException e) {
      events.claimTimed(handler, storedKey, start);
      throw e;
    }
    events.claimTimed(handler, storedKey, start);
    return claim;
  }

  private Claim claimStoredKey(HandlerDescriptor handler, String key, String storedKey) {
    ConcurrentHashMap<String, Entry> records = recordsOf(handler);
    Claim claim = attemptClaim(handler, records, storedKey);
    return claim != null
        ? claim
        : inFlightPolicy.retryInFlight(
            handler,
            key,
            storedKey,
            System.nanoTime(),
            events,
            () -> attemptClaim(handler, records, storedKey));
  }

  /** Returns the acquired or duplicate claim, or null if the key is in flight. */
  private Claim attemptClaim(
      HandlerDescriptor handler, ConcurrentHashMap<String, Entry> records, String storedKey) {
    long now = clock.millis();
    Entry claimed = new Entry(records, storedKey, leaseEnd(handler, now));
    while (true) {
      Entry current = records.putIfAbsent(storedKey, claimed);
      if (current == null) {
        if (!takeRoom(now)) {
          records.remove(storedKey, claimed);
          throw storeFull(handler, storedKey);
        }
        events.claimed(handler, storedKey);
        return new MemoryClaim(handler, claimed);
      }
      int state = current.state;
      if (state == Entry.COMPLETED && now < current.expiresAt) {
        events.duplicate(handler, storedKey);
        return Claim.duplicate(current.result);
      }
      if (state == Entry.IN_PROGRESS && now < current.leaseEnd) {
        return null;
      }
      // Expired: a completed record past its ttl, or a lease that ran out. Take it over, with the
      // room it holds.
      if (state == Entry.IN_PROGRESS && !current.abandon()) {
        continue; // completed or released meanwhile: decide again
      }
      if (records.replace(storedKey, current, claimed)) {
        events.expired(handler, storedKey);
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
    lock.lock();
    try {
      moveCompletions(true);
      for (ArrayDeque<Entry> queue : queues) {
        Entry head;
        while ((head = queue.peekFirst()) != null && head.expiresAt <= now) {
          queue.pollFirst();
          if (delete(head)) {
            purged++;
          }
        }
      }
    } finally {
      lock.unlock();
    }
    events.purged(purged);
    return purged;
  }

  /** The number of records held, completed or in progress, expired or not. */
  public int size() {
    lock.lock();
    try {
      long spare = 0;
      for (Stripe stripe : stripes) {
        synchronized (stripe) {
          spare += stripe.room;
        }
      }
      return (int) (maxEntries - unclaimed - spare);
    } finally {
      lock.unlock();
    }
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

  /** The calling thread's stripe. Thread ids are consecutive, so busy threads rarely share one. */
  private Stripe stripe() {
    return stripes[(int) Thread.currentThread().getId() & (stripes.length - 1)];
  }

  /**
   * Takes room for one new record from the calling thread's stripe, or from the store when the
   * stripe has none left. Returns false if the store is full of claims in progress.
   */
  private boolean takeRoom(long now) {
    Stripe stripe = stripe();
    synchronized (stripe) {
      if (stripe.room > 0) {
        stripe.room--;
        return true;
      }
    }
    Entry[] victims = new Entry[batch];
    while (true) {
      int granted;
      int chosen;
      lockStore();
      try {
        moveCompletions(false);
        granted = grantUnclaimed();
        chosen = chooseVictims(victims, batch - granted, now);
        if (granted == 0 && chosen == 0 && moveCompletions(true) > 0) {
          chosen = chooseVictims(victims, batch, now);
        }
        if (granted == 0 && chosen == 0) {
          takeBackSpareRoom();
          granted = grantUnclaimed();
        }
        if (chosen > 0) {
          evicting.addAndGet(chosen);
        }
      } finally {
        lock.unlock();
      }
      // The map deletes happen outside the lock, so that threads evict in parallel.
      int freed = 0;
      for (int i = 0; i < chosen; i++) {
        if (remove(victims[i])) {
          freed++;
        }
        victims[i] = null;
      }
      int room = granted + freed;
      if (room > 1) {
        synchronized (stripe) {
          stripe.room += room - 1;
        }
      }
      if (chosen > 0) {
        evicting.addAndGet(-chosen);
      }
      if (room > 0) {
        return true;
      }
      if (chosen == 0) {
        if (evicting.get() == 0) {
          return false;
        }
        // Another thread is deleting records it evicted: wait for their room, then look again.
        while (evicting.get() > 0) {
          Thread.onSpinWait();
        }
      }
      // Otherwise every victim had been taken over since it expired: look again.
    }
  }

  /** Takes up to a batch of the room no stripe holds. Holds the lock. */
  private int grantUnclaimed() {
    int granted = (int) Math.min(unclaimed, batch);
    unclaimed -= granted;
    return granted;
  }

  /**
   * Takes up to {@code count} records to evict off the queues into {@code victims}, and returns
   * how many it took. Holds the lock.
   */
  private int chooseVictims(Entry[] victims, int count, long now) {
    int chosen = 0;
    Entry victim;
    while (chosen < count && (victim = pollOldest(now)) != null) {
      victims[chosen++] = victim;
    }
    return chosen;
  }

  /** Gives the room of a record that a claim removed back to the calling thread's stripe. */
  private void giveBackRoom() {
    Stripe stripe = stripe();
    synchronized (stripe) {
      stripe.room++;
    }
  }

  /** Takes back the room that stripes hold unused, for a thread that found the store full. */
  private void takeBackSpareRoom() {
    for (Stripe stripe : stripes) {
      synchronized (stripe) {
        unclaimed += stripe.room;
        stripe.room = 0;
      }
    }
  }

  /**
   * Buffers a completed record in the calling thread's stripe. Once a batch is buffered, moves
   * every stripe's completions into the queues if no other thread holds the lock; the next thread
   * that needs room moves them anyway. Only a full buffer, two batches, makes a thread wait for the
   * lock.
   */
  private void addCompleted(Entry completed, Duration ttl, long now) {
    Stripe stripe = stripe();
    while (true) {
      int buffered;
      synchronized (stripe) {
        buffered = stripe.completedCount;
        if (buffered < stripe.completed.length) {
          stripe.completed[buffered] = completed;
          stripe.completedTtl[buffered++] = ttl;
          stripe.completedCount = buffered;
        } else {
          buffered = -1;
        }
      }
      if (buffered >= 0 && buffered < batch) {
        return;
      }
      boolean mustWait = buffered < 0;
      if (mustWait) {
        lockStore();
      } else if (!lock.tryLock()) {
        return;
      }
      try {
        int moved = moveCompletions(false);
        trimExpired(moved * TRIM_PER_COMPLETION, now);
      } finally {
        lock.unlock();
      }
      if (!mustWait) {
        return;
      }
    }
  }

  /**
   * Moves the completions buffered in the stripes into the queues and returns how many it moved.
   * Each stripe's completions keep their order; those of different stripes moved at once are not
   * interleaved by time, which would read every record (in another processor's cache). Unless
   * {@code everyStripe}, it skips the stripes that look empty. Holds the lock.
   */
  private int moveCompletions(boolean everyStripe) {
    int moved = 0;
    for (Stripe stripe : stripes) {
      // A read without the stripe's lock: at worst it misses a completion just buffered.
      if (!everyStripe && stripe.completedCount == 0) {
        continue;
      }
      synchronized (stripe) {
        int n = stripe.completedCount;
        for (int i = 0; i < n; i++) {
          queueFor(stripe.completedTtl[i]).addLast(stripe.completed[i]);
        }
        Arrays.fill(stripe.completed, 0, n, null);
        Arrays.fill(stripe.completedTtl, 0, n, null);
        stripe.completedCount = 0;
        moved += n;
      }
    }
    return moved;
  }

  /** The queue of completed records with {@code ttl}. Holds the lock. */
  private ArrayDeque<Entry> queueFor(Duration ttl) {
    ArrayDeque<Entry> queue = completedByTtl.get(ttl);
    if (queue == null) {
      queue = new ArrayDeque<>();
      completedByTtl.put(ttl, queue);
      queues.add(queue);
    }
    return queue;
  }

  /**
   * Takes the lock. A thread that finds it held spins a little first: the holder only moves
   * references, so parking would often cost more than the wait.
   */
  private void lockStore() {
    for (int spin = 0; spin < 64; spin++) {
      if (lock.tryLock()) {
        return;
      }
      Thread.onSpinWait();
    }
    lock.lock();
  }

  /**
   * Takes the completed record to evict next off its queue: a head past its ttl if there is one,
   * otherwise the head completed first. Returns null if every queue is empty. Holds the lock.
   */
  private Entry pollOldest(long now) {
    if (queues.size() == 1) {
      return queues.get(0).pollFirst();
    }
    ArrayDeque<Entry> from = null;
    long oldest = Long.MAX_VALUE;
    for (ArrayDeque<Entry> queue : queues) {
      Entry head = queue.peekFirst();
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
    return from == null ? null : from.pollFirst();
  }

  /** Deletes up to {@code limit} expired records from the heads of the queues. Holds the lock. */
  private void trimExpired(int limit, long now) {
    int left = limit;
    for (ArrayDeque<Entry> queue : queues) {
      Entry head;
      while (left > 0 && (head = queue.peekFirst()) != null && head.expiresAt <= now) {
        delete(queue.pollFirst());
        left--;
      }
    }
  }

  /** Deletes a completed record and frees its room, like {@link #remove}. Holds the lock. */
  private boolean delete(Entry completed) {
    if (remove(completed)) {
      unclaimed++;
      return true;
    }
    return false;
  }

  /**
   * Removes a completed record from its map, unless another delivery has taken its key over since
   * it expired (the new record then holds its room). The caller frees the room.
   */
  private static boolean remove(Entry completed) {
    return completed.records.remove(completed.storedKey, completed);
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

    boolean complete(byte[] result, long completedAt, Duration ttl) {
      this.result = result;
      this.completedAt = completedAt;
      this.expiresAt = plus(completedAt, ttl);
      return STATE.compareAndSet(this, IN_PROGRESS, COMPLETED);
    }

    boolean abandon() {
      return STATE.compareAndSet(this, IN_PROGRESS, ABANDONED);
    }
  }

  /**
   * A share of the store for the threads whose ids map to it: room for new records, handed out by
   * the store a batch at a time, and the records they completed since the store last moved them
   * into its queues. Guarded by its own monitor, which no thread holds while it waits for the
   * store's lock.
   */
  private static final class Stripe {
    final Entry[] completed;

    /** The ttl of each completed record, so that moving them need not read the records. */
    final Duration[] completedTtl;

    int completedCount;
    int room;

    Stripe(int buffer) {
      this.completed = new Entry[buffer];
      this.completedTtl = new Duration[buffer];
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
      if (!claimed.complete(encodedResult, now, handler.ttl())) {
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
      addCompleted(claimed, handler.ttl(), now);
      events.completed(handler, claimed.storedKey);
    }

    @Override
    protected void discard(Throwable failure) {
      if (claimed.records.remove(claimed.storedKey, claimed)) {
        giveBackRoom();
      }
      events.released(handler, claimed.storedKey, failure);
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
