package io.idempo.runtime;

import io.idempo.IdempotentHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

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

  /** Records by handler name, then by stored key. */
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, MemoryRecord>>
      recordsByHandler = new ConcurrentHashMap<>();

  /** Room for records, and the completed records in eviction order. */
  private final StripedCapacity capacity;

  private final Clock clock;
  private final InFlightPolicy inFlightPolicy;
  private final StoreEvents events;

  /** A store with the default capacity, the system clock and {@link InFlightPolicy#fail()}. */
  public InMemoryIdempotencyStore() {
    this(builder());
  }

  private InMemoryIdempotencyStore(Builder builder) {
    this.capacity = StripedCapacity.forProcessors(builder.maxEntries);
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
    return claim(handler, key, null);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The record keeps {@code fingerprint} from its claim on; a record taken over after its ttl
   * or lease keeps the fingerprint of the delivery that took it over.
   */
  @Override
  public Claim claim(HandlerDescriptor handler, String key, PayloadFingerprint fingerprint) {
    long start = events.claimStart();
    Objects.requireNonNull(handler, "handler");
    String storedKey = StoredKeys.storedKey(handler, key);
    Claim claim;
    try {
      claim = claimStoredKey(handler, key, storedKey, fingerprint);
    } catch (DuplicateInProgressException | IdempotencyKeyReuseException e) {
      events.claimTimed(handler, storedKey, start);
      throw e;
    }
    events.claimTimed(handler, storedKey, start);
    return claim;
  }

  private Claim claimStoredKey(
      HandlerDescriptor handler, String key, String storedKey, PayloadFingerprint fingerprint) {
    ConcurrentHashMap<String, MemoryRecord> records = recordsOf(handler);
    Claim claim = attemptClaim(handler, key, records, storedKey, fingerprint);
    return claim != null
        ? claim
        : inFlightPolicy.retryInFlight(
            handler,
            key,
            storedKey,
            System.nanoTime(),
            events,
            () -> attemptClaim(handler, key, records, storedKey, fingerprint));
  }

  /**
   * Returns the acquired or duplicate claim, or null if the key is in flight.
   *
   * @throws IdempotencyKeyReuseException if the key's completed record has another fingerprint
   */
  private Claim attemptClaim(
      HandlerDescriptor handler,
      String key,
      ConcurrentHashMap<String, MemoryRecord> records,
      String storedKey,
      PayloadFingerprint fingerprint) {
    long now = clock.millis();
    MemoryRecord claimed =
        new MemoryRecord(records, storedKey, leaseEnd(handler, now), fingerprint);
    while (true) {
      MemoryRecord current = records.putIfAbsent(storedKey, claimed);
      if (current == null) {
        if (!capacity.takeRoom(now)) {
          records.remove(storedKey, claimed);
          throw storeFull(handler, storedKey);
        }
        events.claimed(handler, storedKey);
        return new MemoryClaim(handler, claimed);
      }
      int state = current.state;
      if (state == MemoryRecord.COMPLETED && now < current.expiresAt) {
        PayloadFingerprint recorded = current.fingerprint;
        if (fingerprint != null && recorded != null && !fingerprint.equals(recorded)) {
          events.keyReused(handler, storedKey);
          throw new IdempotencyKeyReuseException(handler, key, recorded, fingerprint);
        }
        events.duplicate(handler, storedKey);
        return Claim.duplicate(current.result);
      }
      if (state == MemoryRecord.IN_PROGRESS && now < current.leaseEnd) {
        return null;
      }
      // Expired: a completed record past its ttl, or a lease that ran out. Take it over, with the
      // room it holds.
      if (state == MemoryRecord.IN_PROGRESS && !current.abandon()) {
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
    long purged = capacity.purgeExpired(clock.millis());
    events.purged(purged);
    return purged;
  }

  /** The number of records held, completed or in progress, expired or not. */
  public int size() {
    return capacity.size();
  }

  /** The capacity. */
  public int maxEntries() {
    return capacity.maxEntries();
  }

  private ConcurrentHashMap<String, MemoryRecord> recordsOf(HandlerDescriptor handler) {
    ConcurrentHashMap<String, MemoryRecord> records = recordsByHandler.get(handler.name());
    return records != null
        ? records
        : recordsByHandler.computeIfAbsent(handler.name(), name -> new ConcurrentHashMap<>());
  }


  private IdempotencyStoreException storeFull(HandlerDescriptor handler, String storedKey) {
    return new IdempotencyStoreException(
        "in-memory idempotency store is full: all "
            + capacity.maxEntries()
            + " entries are claims in progress, so handler "
            + handler.name()
            + " cannot claim key '"
            + abbreviate(storedKey)
            + "'; raise InMemoryIdempotencyStore.builder().maxEntries(...) or check that"
            + " every claim is completed or released");
  }

  private static long leaseEnd(HandlerDescriptor handler, long now) {
    return handler.mode() == IdempotentHandler.Mode.LEASE ? MemoryRecord.plus(now, handler.lease()) : MemoryRecord.NEVER;
  }


  private static String abbreviate(String key) {
    return key.length() <= 80 ? key : key.substring(0, 77) + "...";
  }



  private final class MemoryClaim extends Claim {
    private final HandlerDescriptor handler;
    private final MemoryRecord claimed;

    MemoryClaim(HandlerDescriptor handler, MemoryRecord claimed) {
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
      capacity.addCompleted(claimed, handler.ttl(), now);
      events.completed(handler, claimed.storedKey);
    }

    @Override
    protected void discard(Throwable failure) {
      if (claimed.records.remove(claimed.storedKey, claimed)) {
        capacity.giveBackRoom();
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
