package io.idempo.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The in-memory store's capacity and eviction order on their own, with one stripe so that every
 * thread shares it: room for new records, completed records evicted expired first, then oldest
 * first, and records in progress never.
 */
class StripedCapacityTest {

  private static final Duration HOUR = Duration.ofHours(1);

  private final ConcurrentHashMap<String, MemoryRecord> records = new ConcurrentHashMap<>();

  /** A record in progress that took its room, as a claim of a new key does. */
  private MemoryRecord claim(StripedCapacity capacity, String key, long now) {
    MemoryRecord record = new MemoryRecord(records, key, MemoryRecord.NEVER);
    assertThat(records.putIfAbsent(key, record)).isNull();
    assertThat(capacity.takeRoom(now)).isTrue();
    return record;
  }

  private static void complete(
      StripedCapacity capacity, MemoryRecord record, long now, Duration ttl) {
    assertThat(record.complete(null, now, ttl)).isTrue();
    capacity.addCompleted(record, ttl, now);
  }

  @Test
  void aCapacityFullOfRecordsInProgressRefusesTheNext() {
    StripedCapacity capacity = new StripedCapacity(3, 1);
    claim(capacity, "a", 0);
    claim(capacity, "b", 0);
    claim(capacity, "c", 0);
    assertThat(capacity.size()).isEqualTo(3);
    assertThat(capacity.takeRoom(0)).isFalse();
    assertThat(records.keySet()).containsExactly("a", "b", "c");
  }

  @Test
  void aFullCapacityEvictsTheRecordCompletedFirst() {
    StripedCapacity capacity = new StripedCapacity(3, 1);
    complete(capacity, claim(capacity, "first", 0), 1, HOUR);
    complete(capacity, claim(capacity, "second", 2), 3, HOUR);
    MemoryRecord running = claim(capacity, "running", 4);

    claim(capacity, "new", 5);
    assertThat(records.keySet()).containsExactly("second", "running", "new");
    claim(capacity, "newer", 6);
    assertThat(records.keySet()).containsExactly("running", "new", "newer");
    assertThat(capacity.takeRoom(7)).isFalse(); // all three in progress
    assertThat(records).containsKey("running");
    assertThat(running.state).isEqualTo(MemoryRecord.IN_PROGRESS);
  }

  @Test
  void anExpiredRecordIsEvictedBeforeAnOlderLiveOne() {
    StripedCapacity capacity = new StripedCapacity(2, 1);
    complete(capacity, claim(capacity, "old-live", 0), 1, HOUR);
    complete(capacity, claim(capacity, "young-expired", 2), 3, Duration.ofMillis(5));

    claim(capacity, "new", 100);
    assertThat(records.keySet()).containsExactly("old-live", "new");
  }

  @Test
  void releasedRoomIsReusedWithoutEvicting() {
    StripedCapacity capacity = new StripedCapacity(2, 1);
    complete(capacity, claim(capacity, "kept", 0), 1, HOUR);
    MemoryRecord released = claim(capacity, "released", 2);
    assertThat(released.remove()).isTrue();
    capacity.giveBackRoom();
    assertThat(capacity.size()).isEqualTo(1);

    claim(capacity, "new", 3);
    assertThat(records.keySet()).containsExactly("kept", "new");
  }

  @Test
  void purgeDeletesExactlyTheExpiredRecordsAndFreesTheirRoom() {
    StripedCapacity capacity = new StripedCapacity(10, 1);
    complete(capacity, claim(capacity, "short-1", 0), 0, Duration.ofMillis(10));
    complete(capacity, claim(capacity, "long", 0), 0, HOUR);
    complete(capacity, claim(capacity, "short-2", 0), 1, Duration.ofMillis(10));
    claim(capacity, "running", 0);

    assertThat(capacity.purgeExpired(10)).isEqualTo(1); // short-1 expires at 10, short-2 at 11
    assertThat(capacity.purgeExpired(11)).isEqualTo(1);
    assertThat(records.keySet()).containsExactly("long", "running");
    assertThat(capacity.size()).isEqualTo(2);
  }

  @Test
  void aRecordTakenOverAfterItExpiredIsNotEvictedWithItsPredecessor() {
    StripedCapacity capacity = new StripedCapacity(1, 1);
    MemoryRecord expired = claim(capacity, "k", 0);
    complete(capacity, expired, 0, Duration.ofMillis(1));
    // A later delivery takes the key over: its record replaces the expired one, with its room.
    MemoryRecord successor = new MemoryRecord(records, "k", MemoryRecord.NEVER);
    assertThat(records.replace("k", expired, successor)).isTrue();

    assertThat(capacity.purgeExpired(5)).isEqualTo(0);
    assertThat(records.get("k")).isSameInstanceAs(successor);
    assertThat(capacity.size()).isEqualTo(1);
  }

  @Test
  void aStripeCountThatIsNotAPowerOfTwoIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new StripedCapacity(10, 3));
    assertThrows(IllegalArgumentException.class, () -> new StripedCapacity(0, 1));
  }

  @Test
  void concurrentThreadsNeverHoldMoreThanTheCapacityAndEvictOnlyCompletedRecords()
      throws Exception {
    int max = 1_000;
    StripedCapacity capacity = new StripedCapacity(max, 4);
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        runs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 5 * max; i++) {
                    MemoryRecord record = new MemoryRecord(records, thread + "-" + i, MemoryRecord.NEVER);
                    records.put(record.storedKey, record);
                    assertThat(capacity.takeRoom(i)).isTrue();
                    // A record in progress is never evicted under it.
                    assertThat(records.get(record.storedKey)).isSameInstanceAs(record);
                    complete(capacity, record, i, HOUR);
                  }
                }));
      }
      for (Future<?> run : runs) {
        run.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    // Each thread may have inserted one record before counting it.
    assertThat(records.size()).isAtMost(max + threads);
    assertThat(capacity.size()).isAtMost(max);
    assertThat(capacity.size()).isAtLeast(max - threads * 2 * capacity.batch());
  }
}
