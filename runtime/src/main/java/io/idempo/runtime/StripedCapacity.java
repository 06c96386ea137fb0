package io.idempo.runtime;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The capacity of an {@link InMemoryIdempotencyStore} and the order in which it evicts: room for new
 * records, held in stripes so that threads rarely share memory, and the completed records in
 * completion order, one queue per ttl, from whose heads a full store evicts (expired records
 * first, then those completed first). A record in progress is never evicted. The store's class
 * comment describes the design; this class is all of it.
 */
final class StripedCapacity {

  /** How many expired records each completion moved into the queues deletes from their heads. */
  private static final int TRIM_PER_COMPLETION = 2;

  /** Guards the queues and {@link #unclaimed}. */
  private final ReentrantLock lock = new ReentrantLock();

  /** Records taken off the queues to evict, whose map deletes are still under way. */
  private final AtomicInteger evicting = new AtomicInteger();

  /**
   * Completed records in completion order, one queue per ttl. Within a queue, completion order is
   * expiry order, so each queue's head is its first record to expire and its oldest.
   */
  private final Map<Duration, ArrayDeque<MemoryRecord>> completedByTtl = new HashMap<>();

  /** The queues of {@link #completedByTtl}, to look at every head without an iterator. */
  private final List<ArrayDeque<MemoryRecord>> queues = new ArrayList<>();

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

  /** Capacity for {@code maxEntries} records, with four stripes or more per processor. */
  static StripedCapacity forProcessors(int maxEntries) {
    // A power of two of at least four per processor, at most 64.
    int stripeCount =
        Math.min(64, Integer.highestOneBit(4 * Runtime.getRuntime().availableProcessors() - 1) * 2);
    return new StripedCapacity(maxEntries, stripeCount);
  }

  /** Capacity for {@code maxEntries} records in {@code stripeCount} stripes (a power of two). */
  StripedCapacity(int maxEntries, int stripeCount) {
    if (maxEntries < 1 || Integer.bitCount(stripeCount) != 1) {
      throw new IllegalArgumentException(
          "maxEntries " + maxEntries + " and stripeCount " + stripeCount + " (a power of two)");
    }
    this.maxEntries = maxEntries;
    this.unclaimed = maxEntries;
    // Stripes hold at most 1/128 of the capacity as room they have not used yet.
    this.batch = Math.max(1, Math.min(256, maxEntries / 128 / stripeCount));
    this.stripes = new Stripe[stripeCount];
    for (int i = 0; i < stripeCount; i++) {
      stripes[i] = new Stripe(2 * batch);
    }
  }

  /** The capacity. */
  int maxEntries() {
    return maxEntries;
  }

  /** How much room a thread takes at a time, and how many completions its stripe buffers. */
  int batch() {
    return batch;
  }

  /** The number of records held, completed or in progress, expired or not. */
  int size() {
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

  /** Deletes every completed record expired at {@code now}; returns how many. */
  long purgeExpired(long now) {
    long purged = 0;
    lock.lock();
    try {
      moveCompletions(true);
      for (ArrayDeque<MemoryRecord> queue : queues) {
        MemoryRecord head;
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
    return purged;
  }

  /** The calling thread's stripe. Thread ids are consecutive, so busy threads rarely share one. */
  private Stripe stripe() {
    return stripes[(int) Thread.currentThread().getId() & (stripes.length - 1)];
  }

  /**
   * Takes room for one new record from the calling thread's stripe, or from the store when the
   * stripe has none left. Returns false if the store is full of claims in progress.
   */
  boolean takeRoom(long now) {
    Stripe stripe = stripe();
    synchronized (stripe) {
      if (stripe.room > 0) {
        stripe.room--;
        return true;
      }
    }
    MemoryRecord[] victims = new MemoryRecord[batch];
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
  private int chooseVictims(MemoryRecord[] victims, int count, long now) {
    int chosen = 0;
    MemoryRecord victim;
    while (chosen < count && (victim = pollOldest(now)) != null) {
      victims[chosen++] = victim;
    }
    return chosen;
  }

  /** Gives the room of a record that a claim removed back to the calling thread's stripe. */
  void giveBackRoom() {
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
  void addCompleted(MemoryRecord completed, Duration ttl, long now) {
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
  private ArrayDeque<MemoryRecord> queueFor(Duration ttl) {
    ArrayDeque<MemoryRecord> queue = completedByTtl.get(ttl);
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
  private MemoryRecord pollOldest(long now) {
    if (queues.size() == 1) {
      return queues.get(0).pollFirst();
    }
    ArrayDeque<MemoryRecord> from = null;
    long oldest = Long.MAX_VALUE;
    for (ArrayDeque<MemoryRecord> queue : queues) {
      MemoryRecord head = queue.peekFirst();
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
    for (ArrayDeque<MemoryRecord> queue : queues) {
      MemoryRecord head;
      while (left > 0 && (head = queue.peekFirst()) != null && head.expiresAt <= now) {
        delete(queue.pollFirst());
        left--;
      }
    }
  }

  /** Deletes a completed record and frees its room, like {@link #remove}. Holds the lock. */
  private boolean delete(MemoryRecord completed) {
    if (remove(completed)) {
      unclaimed++;
      return true;
    }
    return false;
  }

  /** Removes a completed record from its map (see {@link MemoryRecord#remove}). */
  private static boolean remove(MemoryRecord completed) {
    return completed.remove();
  }

  /**
   * A share of the store for the threads whose ids map to it: room for new records, handed out by
   * the store a batch at a time, and the records they completed since the store last moved them
   * into its queues. Guarded by its own monitor, which no thread holds while it waits for the
   * store's lock.
   */
  private static final class Stripe {
    final MemoryRecord[] completed;

    /** The ttl of each completed record, so that moving them need not read the records. */
    final Duration[] completedTtl;

    int completedCount;
    int room;

    Stripe(int buffer) {
      this.completed = new MemoryRecord[buffer];
      this.completedTtl = new Duration[buffer];
    }
  }
}
