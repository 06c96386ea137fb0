package io.idempo.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.IdempotentHandler.Mode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InMemoryIdempotencyStoreTest extends IdempotencyStoreContract {

  @Override
  protected IdempotencyStore newStore(InFlightPolicy policy) {
    return InMemoryIdempotencyStore.builder()
        .clock(clock)
        .listener(listener)
        .inFlightPolicy(policy)
        .build();
  }

  @Override
  protected IdempotencyStore newStoreWithListener(IdempotencyListener listener) {
    return InMemoryIdempotencyStore.builder().clock(clock).listener(listener).build();
  }

  @Override
  protected long purgeExpired(IdempotencyStore store) {
    return ((InMemoryIdempotencyStore) store).purgeExpired();
  }

  private InMemoryIdempotencyStore bounded(int maxEntries) {
    return InMemoryIdempotencyStore.builder().clock(clock).maxEntries(maxEntries).build();
  }

  @Test
  void noArgConstructorGivesADefaultStore() {
    InMemoryIdempotencyStore store = new InMemoryIdempotencyStore();
    assertThat(store.maxEntries()).isEqualTo(InMemoryIdempotencyStore.DEFAULT_MAX_ENTRIES);
    HandlerDescriptor handler = handler("default", Mode.TRANSACTIONAL);
    store.claim(handler, "k").complete(null);
    assertThat(store.claim(handler, "k").isDuplicate()).isTrue();
  }

  @Test
  void fullStoreEvictsExpiredRecordsFirst() {
    InMemoryIdempotencyStore store = bounded(4);
    HandlerDescriptor shortTtl =
        HandlerDescriptor.builder("h#short").keyPath("id").ttl(Duration.ofMinutes(1)).build();
    HandlerDescriptor longTtl =
        HandlerDescriptor.builder("h#long").keyPath("id").ttl(Duration.ofHours(1)).build();
    store.claim(longTtl, "old-but-valid").complete(null);
    store.claim(shortTtl, "expires-1").complete(null);
    store.claim(shortTtl, "expires-2").complete(null);
    store.claim(longTtl, "valid").complete(null);
    clock.advance(Duration.ofMinutes(5));

    store.claim(longTtl, "new-1").complete(null);
    store.claim(longTtl, "new-2").complete(null);

    assertThat(store.size()).isAtMost(4);
    assertThat(store.claim(longTtl, "old-but-valid").isDuplicate()).isTrue();
    assertThat(store.claim(longTtl, "valid").isDuplicate()).isTrue();
  }

  @Test
  void fullStoreEvictsTheOldestCompletedRecordsButNeverAClaimInProgress() {
    InMemoryIdempotencyStore store = bounded(3);
    HandlerDescriptor handler = handler("bounded", Mode.TRANSACTIONAL);
    Claim running = store.claim(handler, "running");
    store.claim(handler, "oldest").complete(null);
    store.claim(handler, "newer").complete(null);

    store.claim(handler, "newest").complete(null);

    assertThat(store.size()).isAtMost(3);
    assertThrows(DuplicateInProgressException.class, () -> store.claim(handler, "running"));
    assertThat(store.claim(handler, "newer").isDuplicate()).isTrue();
    assertThat(store.claim(handler, "newest").isDuplicate()).isTrue();
    Claim oldest = store.claim(handler, "oldest");
    assertThat(oldest.isDuplicate()).isFalse(); // evicted: a late duplicate runs again
    oldest.release(new RuntimeException());
    running.complete(null);
  }

  @Test
  void storeFullOfClaimsInProgressRefusesNewKeysInsteadOfGrowing() {
    InMemoryIdempotencyStore store = bounded(2);
    HandlerDescriptor handler = handler("full", Mode.TRANSACTIONAL);
    Claim a = store.claim(handler, "a");
    Claim b = store.claim(handler, "b");
    IdempotencyStoreException e =
        assertThrows(IdempotencyStoreException.class, () -> store.claim(handler, "c"));
    assertThat(e).hasMessageThat().contains("full");
    assertThat(e).hasMessageThat().contains("maxEntries");
    assertThat(store.size()).isEqualTo(2);

    a.complete(null);
    b.release(new RuntimeException());
    store.claim(handler, "c").complete(null);
    assertThat(store.claim(handler, "a").isDuplicate()).isTrue();
  }

  @Test
  void manyKeysStayWithinTheBound() {
    InMemoryIdempotencyStore store = bounded(1000);
    HandlerDescriptor handler = handler("many", Mode.TRANSACTIONAL);
    int largest = 0;
    for (int i = 0; i < 10_000; i++) {
      store.claim(handler, "k" + i).complete(null);
      largest = Math.max(largest, store.size());
    }
    assertThat(largest).isEqualTo(1000);
    assertThat(store.claim(handler, "k9999").isDuplicate()).isTrue();
  }

  @Test
  void expiredRecordsAreDeletedAsNewOnesComplete() {
    InMemoryIdempotencyStore store = bounded(100);
    HandlerDescriptor handler =
        HandlerDescriptor.builder("h#trim").keyPath("id").ttl(Duration.ofMinutes(1)).build();
    for (int i = 0; i < 10; i++) {
      store.claim(handler, "old-" + i).complete(null);
    }
    clock.advance(Duration.ofMinutes(2));

    for (int i = 0; i < 5; i++) {
      store.claim(handler, "new-" + i).complete(null);
    }

    // Each completion deletes up to two expired records from the head of its queue.
    assertThat(store.size()).isEqualTo(5);
    assertThat(store.purgeExpired()).isEqualTo(0);
  }

  @Test
  void keysTakenOverAfterTheirTtlLeaveNothingBehind() {
    InMemoryIdempotencyStore store = bounded(3);
    HandlerDescriptor handler =
        HandlerDescriptor.builder("h#again").keyPath("id").ttl(Duration.ofMinutes(1)).build();
    for (int round = 0; round < 1000; round++) {
      for (String key : new String[] {"a", "b", "c"}) {
        Claim claim = store.claim(handler, key);
        assertThat(claim.isDuplicate()).isFalse();
        claim.complete(null);
      }
      clock.advance(Duration.ofMinutes(2));
    }
    assertThat(store.size()).isEqualTo(3);
    assertThat(store.purgeExpired()).isEqualTo(3);
    assertThat(store.size()).isEqualTo(0);
  }

  @Test
  void concurrentNewKeysInAFullStoreStayWithinTheBoundAndKeepTheNewest() throws Exception {
    InMemoryIdempotencyStore store = bounded(1000);
    HandlerDescriptor handler = handler("concurrent-evict", Mode.TRANSACTIONAL);
    int threads = 4;
    int keysPerThread = 20_000;
    String[] completionOrder = new String[threads * keysPerThread];
    AtomicInteger completions = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> largestSizes = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        largestSizes.add(
            pool.submit(
                () -> {
                  int largest = 0;
                  for (int i = 0; i < keysPerThread; i++) {
                    String key = thread + "-" + i;
                    Claim claim = store.claim(handler, key);
                    assertThat(claim.isDuplicate()).isFalse();
                    claim.complete(null);
                    completionOrder[completions.getAndIncrement()] = key;
                    largest = Math.max(largest, store.size());
                  }
                  return largest;
                }));
      }
      for (Future<Integer> largest : largestSizes) {
        // Momentarily over by at most one record per thread claiming at that instant.
        assertThat(largest.get(60, TimeUnit.SECONDS)).isAtMost(1000 + threads);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.size()).isAtMost(1000);
    // The newest records are kept. A thread records a key's place in the order only after
    // completing it; one descheduled in between (on a busy machine) records an old key late, among
    // the newest. For that key to be evicted, the others completed a capacity's worth of records
    // meanwhile, which pushes any earlier such key of the same thread out of the newest: so at most
    // one key per thread among the newest may be missing.
    List<String> missing = new ArrayList<>();
    for (int i = completionOrder.length - (1000 - 2 * threads); i < completionOrder.length; i++) {
      Claim again = store.claim(handler, completionOrder[i]);
      if (!again.isDuplicate()) {
        missing.add(completionOrder[i]);
        again.release(new IllegalStateException("only looking"));
      }
    }
    assertThat(missing.size()).isAtMost(threads);
  }

  /** A capacity large enough that a full store evicts in batches. */
  private static final int LARGE = 16_384;

  /** More than one eviction batch takes beyond the record a new key needs. */
  private static final int BATCH = 32;

  /** Claims and completes {@code prefix + i} for i below {@code count}, 1 ms apart. */
  private void completeKeys(
      InMemoryIdempotencyStore store, HandlerDescriptor handler, String prefix, int count) {
    for (int i = 0; i < count; i++) {
      store.claim(handler, prefix + i).complete(null);
      clock.advance(Duration.ofMillis(1));
    }
  }

  /** Does {@link #completeKeys} on a thread of its own, which then stops. */
  private void completeKeysOnAnotherThread(
      InMemoryIdempotencyStore store, HandlerDescriptor handler, String prefix, int count)
      throws Exception {
    onAnotherThread(
        () -> {
          completeKeys(store, handler, prefix, count);
          return null;
        });
  }

  /** Asserts that {@code key} was evicted: a late duplicate of it runs again. */
  private static void assertForgotten(
      InMemoryIdempotencyStore store, HandlerDescriptor handler, String key) {
    Claim claim = store.claim(handler, key);
    assertThat(claim.isDuplicate()).isFalse();
    claim.release(new RuntimeException());
  }

  /** Runs {@code work} on a thread of its own. */
  private static <T> T onAnotherThread(Callable<T> work) throws Exception {
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      return thread.submit(work).get(60, TimeUnit.SECONDS);
    } finally {
      thread.shutdownNow();
    }
  }

  @Test
  void aLargeStoreUsedByOneThreadKeepsItsBoundAndItsNewestRecords() {
    InMemoryIdempotencyStore store = bounded(LARGE);
    HandlerDescriptor handler = handler("large-one-thread", Mode.TRANSACTIONAL);
    int keys = 3 * LARGE;
    int largest = 0;
    for (int i = 0; i < keys; i++) {
      store.claim(handler, "k" + i).complete(null);
      clock.advance(Duration.ofMillis(1));
      largest = Math.max(largest, store.size());
    }

    assertThat(largest).isEqualTo(LARGE);
    for (int i = keys - LARGE + BATCH; i < keys; i++) {
      assertThat(store.claim(handler, "k" + i).isDuplicate()).isTrue();
    }
    assertForgotten(store, handler, "k" + (keys - LARGE - 1));
  }

  @Test
  void aThreadThatStartsLateEvictsTheOlderRecordsOfAnotherThreadNotItsOwn() throws Exception {
    InMemoryIdempotencyStore store = bounded(LARGE);
    HandlerDescriptor handler = handler("large-late-thread", Mode.TRANSACTIONAL);
    completeKeysOnAnotherThread(store, handler, "early-", LARGE);

    int late = LARGE / 2;
    completeKeys(store, handler, "late-", late);

    assertThat(store.size()).isAtMost(LARGE);
    for (int i = 0; i < late; i++) {
      assertThat(store.claim(handler, "late-" + i).isDuplicate()).isTrue();
    }
    // The newest early records stay; the oldest went first.
    for (int i = late + BATCH; i < LARGE; i++) {
      assertThat(store.claim(handler, "early-" + i).isDuplicate()).isTrue();
    }
    assertForgotten(store, handler, "early-0");
  }

  @Test
  void recordsOfAThreadThatStoppedAreEvictedOldestFirst() throws Exception {
    InMemoryIdempotencyStore store = bounded(LARGE);
    HandlerDescriptor handler = handler("large-abandoned", Mode.TRANSACTIONAL);
    completeKeysOnAnotherThread(store, handler, "gone-", LARGE / 2);

    // Four capacities' worth of newer keys: every record of the stopped thread is older.
    completeKeys(store, handler, "busy-", 4 * LARGE);

    for (int i = 0; i < LARGE / 2; i += 97) {
      assertForgotten(store, handler, "gone-" + i);
    }
    assertThat(store.claim(handler, "busy-" + (4 * LARGE - 1)).isDuplicate()).isTrue();
  }

  @Test
  void concurrentThreadsInALargeStoreStayWithinTheBound() throws Exception {
    InMemoryIdempotencyStore store = bounded(LARGE);
    HandlerDescriptor handler = handler("large-concurrent", Mode.TRANSACTIONAL);
    int threads = 4;
    int keysPerThread = 2 * LARGE;
    AtomicLong completions = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        runs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < keysPerThread; i++) {
                    String key = thread + "-" + i;
                    Claim claim = store.claim(handler, key);
                    assertThat(claim.isDuplicate()).isFalse();
                    // Read before the completion: a thread descheduled between completing and
                    // counting would otherwise count its record after thousands of newer ones.
                    long countedBefore = completions.get();
                    claim.complete(null);
                    completions.incrementAndGet();
                    if (i % 100 == 0) {
                      clock.advance(Duration.ofMillis(1));
                    }
                    Claim again = store.claim(handler, key);
                    // At most this many records were completed after this one: those counted
                    // since (this one included) and one not counted yet per other thread.
                    long newerAtMost = completions.get() - countedBefore + threads;
                    // Each thread's newest record is there to be found as a duplicate, unless the
                    // other threads completed a capacity's worth of newer records meanwhile (this
                    // thread descheduled on a busy machine), when evicting it was right.
                    if (newerAtMost < LARGE / 2) {
                      assertThat(again.isDuplicate()).isTrue();
                    } else if (!again.isDuplicate()) {
                      again.complete(null);
                    }
                  }
                }));
      }
      for (Future<?> run : runs) {
        run.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.size()).isAtLeast(LARGE - threads * BATCH);
    assertThat(store.size()).isAtMost(LARGE);
  }

  @Test
  void aLargeStoreFullOfClaimsInProgressRefusesAnotherThreadsNewKey() throws Exception {
    InMemoryIdempotencyStore store = bounded(LARGE);
    HandlerDescriptor handler = handler("large-full", Mode.TRANSACTIONAL);
    List<Claim> running = new ArrayList<>();
    for (int i = 0; i < LARGE; i++) {
      running.add(store.claim(handler, "running-" + i));
    }

    // Another thread finds the store just as full.
    IdempotencyStoreException e =
        onAnotherThread(
            () -> assertThrows(IdempotencyStoreException.class, () -> store.claim(handler, "new")));
    assertThat(e).hasMessageThat().contains("full");
    assertThat(store.size()).isEqualTo(LARGE);

    running.get(0).complete(null);
    Claim fresh = onAnotherThread(() -> store.claim(handler, "new"));
    assertThat(fresh.isDuplicate()).isFalse();
    fresh.complete(null);
    assertThat(store.claim(handler, "running-0").isDuplicate()).isFalse(); // evicted for "new"
  }

  @Test
  void roomAnotherThreadTookButDidNotUseIsTakenBackWhenTheStoreIsFull() throws Exception {
    InMemoryIdempotencyStore store = bounded(LARGE);
    HandlerDescriptor handler = handler("large-spare-room", Mode.TRANSACTIONAL);
    // The other thread's stripe takes a batch of room and uses one record of it.
    Claim other = onAnotherThread(() -> store.claim(handler, "other"));
    List<Claim> running = new ArrayList<>();
    for (int i = 0; i < LARGE - 1; i++) {
      running.add(store.claim(handler, "running-" + i));
    }

    assertThat(store.size()).isEqualTo(LARGE);
    IdempotencyStoreException e =
        assertThrows(IdempotencyStoreException.class, () -> store.claim(handler, "one-too-many"));
    assertThat(e).hasMessageThat().contains("full");
    other.complete(null);
    running.forEach(claim -> claim.complete(null));
  }

  @Test
  void concurrentClaimsNeverFindAStoreWithRoomFull() throws Exception {
    int capacity = 32;
    InMemoryIdempotencyStore store = bounded(capacity);
    HandlerDescriptor handler = handler("small-concurrent", Mode.TRANSACTIONAL);
    int threads = 4;
    int openPerThread = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        runs.add(
            pool.submit(
                () -> {
                  // At a claim, its thread has 4 claims in progress and each other thread at most
                  // 5, and at most one record being completed or released: 4 + 3 x 6 = 22 records
                  // that cannot be evicted, fewer than the capacity. So no claim may find the
                  // store full, whatever the other threads are doing meanwhile.
                  ArrayDeque<Claim> open = new ArrayDeque<>();
                  for (int i = 0; i < 20_000; i++) {
                    open.add(store.claim(handler, thread + "-" + i));
                    if (open.size() > openPerThread) {
                      Claim oldest = open.poll();
                      if (i % 7 == 0) {
                        oldest.release(new RuntimeException("fails now and then"));
                      } else {
                        oldest.complete(null);
                      }
                    }
                  }
                  open.forEach(claim -> claim.complete(null));
                }));
      }
      for (Future<?> run : runs) {
        run.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.size()).isAtMost(capacity);
  }

  @Test
  void aKeyTakenOverByAnotherThreadAfterItsTtlStaysCountedOnce() throws Exception {
    InMemoryIdempotencyStore store = bounded(LARGE);
    HandlerDescriptor handler =
        HandlerDescriptor.builder("h#large-again").keyPath("id").ttl(Duration.ofMinutes(1)).build();
    for (int round = 0; round < 100; round++) {
      Claim claim =
          round % 2 == 0
              ? store.claim(handler, "k")
              : onAnotherThread(() -> store.claim(handler, "k"));
      assertThat(claim.isDuplicate()).isFalse();
      claim.complete(null);
      assertThat(store.size()).isEqualTo(1);
      clock.advance(Duration.ofMinutes(2));
    }
    assertThat(store.purgeExpired()).isEqualTo(1);
    assertThat(store.size()).isEqualTo(0);
  }

  @Test
  void transactionalClaimsDoNotExpireByLease() {
    InMemoryIdempotencyStore store = bounded(10);
    HandlerDescriptor handler = handler("tx", Mode.TRANSACTIONAL);
    Claim running = store.claim(handler, "k");
    clock.advance(Duration.ofDays(1));
    assertThrows(DuplicateInProgressException.class, () -> store.claim(handler, "k"));
    running.complete(null);
  }

  @Test
  void invalidSettingsAreRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> InMemoryIdempotencyStore.builder().maxEntries(0));
    assertThrows(
        IllegalArgumentException.class, () -> InFlightPolicy.waitUpTo(Duration.ofSeconds(-1)));
    assertThat(InFlightPolicy.waitUpTo(Duration.ZERO)).isEqualTo(InFlightPolicy.fail());
  }
}
