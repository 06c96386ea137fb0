package io.idempo.runtime;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.IdempotentHandler.Mode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The semantics every {@link IdempotencyStore} gives, as tests. A store implementation extends this
 * class and implements {@link #newStore}; it ships only if every test passes.
 *
 * <p>Each test calls {@link #newStore} for a fresh, empty store that reads time from {@link #clock}
 * and reports to {@link #listener}.
 */
public abstract class IdempotencyStoreContract {

  protected static final ResultCodec<String> STRING = ResultCodecs.builtIn(String.class);

  protected final TestClock clock = new TestClock(Instant.parse("2026-03-01T12:00:00Z"));
  protected final RecordingListener listener = new RecordingListener();
  private final List<ExecutorService> executors = new ArrayList<>();

  /** A fresh, empty store using {@link #clock}, {@link #listener} and {@code policy}. */
  protected abstract IdempotencyStore newStore(InFlightPolicy policy);

  /** Deletes the expired completed records of {@code store}; returns how many. */
  protected abstract long purgeExpired(IdempotencyStore store);

  protected IdempotencyStore newStore() {
    return newStore(InFlightPolicy.fail());
  }

  @AfterEach
  void stopThreads() throws InterruptedException {
    for (ExecutorService executor : executors) {
      executor.shutdownNow();
      assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  protected ExecutorService threads(int count) {
    ExecutorService executor = Executors.newFixedThreadPool(count);
    executors.add(executor);
    return executor;
  }

  protected static HandlerDescriptor handler(String name, Mode mode) {
    return HandlerDescriptor.builder("test.Handler#" + name)
        .keyPath("event.id")
        .mode(mode)
        .ttl(Duration.ofHours(1))
        .lease(Duration.ofMinutes(1))
        .build();
  }

  /** Delivers a message the way a generated wrapper does. */
  protected static String deliver(
      IdempotencyStore store, HandlerDescriptor handler, String key, Callable<String> body)
      throws Exception {
    return deliver(store, handler, key, null, body);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  public void firstDeliveryRunsAndLaterOnesReplayItsResult(Mode mode) throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("capture", mode);
    AtomicInteger runs = new AtomicInteger();
    Callable<String> body = () -> "receipt-" + runs.incrementAndGet();

    assertThat(deliver(store, handler, "payment-1", body)).isEqualTo("receipt-1");
    assertThat(deliver(store, handler, "payment-1", body)).isEqualTo("receipt-1");
    assertThat(deliver(store, handler, "payment-1", body)).isEqualTo("receipt-1");
    assertThat(runs.get()).isEqualTo(1);
    assertThat(listener.events)
        .containsExactly(
            "claimed:payment-1",
            "completed:payment-1",
            "duplicate:payment-1",
            "duplicate:payment-1")
        .inOrder();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  public void voidAndNullResultsReplayAsNull(Mode mode) {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("notify", mode);
    store.claim(handler, "k").complete(null);
    Claim again = store.claim(handler, "k");
    assertThat(again.isDuplicate()).isTrue();
    assertThat(again.replayedResult()).isNull();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  public void binaryResultsReplayByteForByte(Mode mode) {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("bytes", mode);
    byte[] result = new byte[300];
    for (int i = 0; i < result.length; i++) {
      result[i] = (byte) i;
    }
    store.claim(handler, "k").complete(result);
    assertThat(store.claim(handler, "k").replayedResult()).isEqualTo(result);
    store.claim(handler, "empty").complete(new byte[0]);
    assertThat(store.claim(handler, "empty").replayedResult()).isEqualTo(new byte[0]);
  }

  @Test
  public void handlersDoNotSeeEachOthersKeys() throws Exception {
    IdempotencyStore store = newStore();
    AtomicInteger runs = new AtomicInteger();
    deliver(store, handler("a", Mode.TRANSACTIONAL), "same", () -> "a" + runs.incrementAndGet());
    assertThat(
            deliver(
                store,
                handler("b", Mode.TRANSACTIONAL),
                "same",
                () -> "b" + runs.incrementAndGet()))
        .isEqualTo("b2");
    assertThat(deliver(store, handler("b", Mode.LEASE), "same", () -> "x")).isEqualTo("b2");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  public void failureRecordsNothingAndTheNextDeliveryRuns(Mode mode) throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("charge", mode);
    IllegalStateException boom = new IllegalStateException("card declined");

    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                deliver(
                    store,
                    handler,
                    "order-7",
                    () -> {
                      throw boom;
                    }));
    assertThat(thrown).isSameInstanceAs(boom);
    assertThat(boom.getSuppressed()).isEmpty();

    assertThat(deliver(store, handler, "order-7", () -> "charged")).isEqualTo("charged");
    assertThat(deliver(store, handler, "order-7", () -> "again")).isEqualTo("charged");
    assertThat(listener.events)
        .containsExactly(
            "claimed:order-7",
            "released:order-7",
            "claimed:order-7",
            "completed:order-7",
            "duplicate:order-7")
        .inOrder();
  }

  @Test
  public void leaseInFlightDuplicateThrowsRetryableException() throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("email", Mode.LEASE);
    Claim first = store.claim(handler, "welcome-42");

    DuplicateInProgressException e =
        inAnotherThread(
            () ->
                assertThrows(
                    DuplicateInProgressException.class, () -> store.claim(handler, "welcome-42")));
    assertThat(e.handlerName()).isEqualTo(handler.name());
    assertThat(e.key()).isEqualTo("welcome-42");
    assertThat(e).hasMessageThat().contains("event.id");
    assertThat(listener.events).contains("inProgress:welcome-42");

    first.complete(STRING.encode("sent"));
    Claim retry = store.claim(handler, "welcome-42");
    assertThat(retry.isDuplicate()).isTrue();
    assertThat(STRING.decode(retry.replayedResult())).isEqualTo("sent");
  }

  @Test
  public void boundedWaitReplaysTheFirstDeliveryOnceItCompletes() throws Exception {
    IdempotencyStore store = newStore(InFlightPolicy.waitUpTo(Duration.ofSeconds(30)));
    HandlerDescriptor handler = handler("email", Mode.LEASE);
    Claim first = store.claim(handler, "k");
    CountDownLatch started = new CountDownLatch(1);
    Future<Claim> second =
        threads(1)
            .submit(
                () -> {
                  started.countDown();
                  return store.claim(handler, "k");
                });
    started.await();
    Thread.sleep(50); // lets the second delivery start polling; the outcome does not depend on it
    first.complete(STRING.encode("done"));
    Claim replay = second.get(30, TimeUnit.SECONDS);
    assertThat(replay.isDuplicate()).isTrue();
    assertThat(STRING.decode(replay.replayedResult())).isEqualTo("done");
  }

  @Test
  public void boundedWaitAcquiresWhenTheFirstDeliveryFails() throws Exception {
    IdempotencyStore store = newStore(InFlightPolicy.waitUpTo(Duration.ofSeconds(30)));
    HandlerDescriptor handler = handler("email", Mode.LEASE);
    Claim first = store.claim(handler, "k");
    Future<Claim> second = threads(1).submit(() -> store.claim(handler, "k"));
    Thread.sleep(50); // lets the second delivery start polling; the outcome does not depend on it
    first.release(new RuntimeException("smtp down"));
    Claim acquired = second.get(30, TimeUnit.SECONDS);
    assertThat(acquired.isDuplicate()).isFalse();
    acquired.complete(STRING.encode("sent by the second"));
    assertThat(STRING.decode(store.claim(handler, "k").replayedResult()))
        .isEqualTo("sent by the second");
  }

  @Test
  public void boundedWaitGivesUpWhileTheFirstStillRuns() throws Exception {
    IdempotencyStore store = newStore(InFlightPolicy.waitUpTo(Duration.ofMillis(100)));
    HandlerDescriptor handler = handler("email", Mode.LEASE);
    Claim first = store.claim(handler, "k");
    inAnotherThread(
        () -> assertThrows(DuplicateInProgressException.class, () -> store.claim(handler, "k")));
    first.complete(null);
    assertThat(store.claim(handler, "k").isDuplicate()).isTrue();
  }

  @Test
  public void transactionalInFlightDuplicateNeverRunsTheHandlerTwice() throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("capture", Mode.TRANSACTIONAL);
    Claim first = store.claim(handler, "k");
    Future<Object> second =
        threads(1)
            .submit(
                () -> {
                  try {
                    Claim claim = store.claim(handler, "k");
                    return claim.isDuplicate() ? STRING.decode(claim.replayedResult()) : claim;
                  } catch (DuplicateInProgressException e) {
                    return e;
                  }
                });
    Thread.sleep(
        100); // lets the second delivery reach the store; the outcome does not depend on it
    first.complete(STRING.encode("captured"));
    Object outcome = second.get(30, TimeUnit.SECONDS);
    // Either it saw the first in flight (retryable) or waited for its commit and replayed it.
    if (!(outcome instanceof DuplicateInProgressException)) {
      assertThat(outcome).isEqualTo("captured");
    }
    assertThat(STRING.decode(store.claim(handler, "k").replayedResult())).isEqualTo("captured");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  public void completedRecordExpiresAfterTheTtl(Mode mode) throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("ttl", mode);
    AtomicInteger runs = new AtomicInteger();
    Callable<String> body = () -> "run-" + runs.incrementAndGet();

    assertThat(deliver(store, handler, "k", body)).isEqualTo("run-1");
    clock.advance(Duration.ofMinutes(59));
    assertThat(deliver(store, handler, "k", body)).isEqualTo("run-1");
    clock.advance(Duration.ofMinutes(2));
    assertThat(deliver(store, handler, "k", body)).isEqualTo("run-2");
    assertThat(deliver(store, handler, "k", body)).isEqualTo("run-2");
    assertThat(listener.events).contains("expired:k");
  }

  @Test
  public void expiredLeaseIsTakenOverAndTheLateCompletionIsRefused() throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("email", Mode.LEASE);
    Claim stuck = store.claim(handler, "k");
    assertThrows(DuplicateInProgressException.class, () -> store.claim(handler, "k"));

    clock.advance(Duration.ofMinutes(2));
    Claim takeover = store.claim(handler, "k");
    assertThat(takeover.isDuplicate()).isFalse();
    assertThat(listener.events).contains("expired:k");

    IdempotencyStoreException lost =
        assertThrows(IdempotencyStoreException.class, () -> stuck.complete(STRING.encode("late")));
    assertThat(lost).hasMessageThat().contains("lease");
    assertThat(lost).hasMessageThat().contains(handler.name());

    takeover.complete(STRING.encode("second"));
    assertThat(STRING.decode(store.claim(handler, "k").replayedResult())).isEqualTo("second");
  }

  @Test
  public void releaseAfterALostLeaseLeavesTheNewOwnersRecord() {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("email", Mode.LEASE);
    Claim stuck = store.claim(handler, "k");
    clock.advance(Duration.ofMinutes(2));
    Claim takeover = store.claim(handler, "k");
    stuck.release(new RuntimeException("late failure"));
    assertThrows(DuplicateInProgressException.class, () -> store.claim(handler, "k"));
    takeover.complete(null);
    assertThat(store.claim(handler, "k").isDuplicate()).isTrue();
  }

  @Test
  public void purgeDeletesOnlyExpiredCompletedRecords() throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor shortTtl =
        HandlerDescriptor.builder("test.Handler#short")
            .keyPath("id")
            .ttl(Duration.ofHours(1))
            .build();
    HandlerDescriptor longTtl =
        HandlerDescriptor.builder("test.Handler#long")
            .keyPath("id")
            .ttl(Duration.ofHours(10))
            .build();
    for (int i = 0; i < 25; i++) {
      deliver(store, shortTtl, "s" + i, () -> "v");
    }
    for (int i = 0; i < 5; i++) {
      deliver(store, longTtl, "l" + i, () -> "v");
    }
    Claim running = store.claim(handler("running", Mode.LEASE), "r");
    assertThat(purgeExpired(store)).isEqualTo(0);
    clock.advance(Duration.ofHours(2));
    assertThat(purgeExpired(store)).isEqualTo(25);
    assertThat(purgeExpired(store)).isEqualTo(0);
    assertThat(listener.events).containsAtLeast("purged:25", "purged:0");

    assertThat(deliver(store, shortTtl, "s0", () -> "fresh")).isEqualTo("fresh");
    assertThat(deliver(store, longTtl, "l0", () -> "fresh")).isEqualTo("v");
    running.complete(null);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  public void nullAndBlankKeysAreRefusedNamingTheHandlerAndKeyPath(Mode mode) {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("keys", mode);
    for (String key : new String[] {null, "", " ", "\t\n"}) {
      IdempotencyKeyException e =
          assertThrows(IdempotencyKeyException.class, () -> store.claim(handler, key));
      assertThat(e).hasMessageThat().contains("test.Handler#keys");
      assertThat(e).hasMessageThat().contains("event.id");
    }
    assertThat(listener.events).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  public void longKeysAreStoredAsDigestsAndStillDeduplicate(Mode mode) throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("long", mode);
    String tenKb = "x".repeat(10 * 1024);
    String otherTenKb = "x".repeat(10 * 1024 - 1) + "y";
    String longest = "k".repeat(StoredKeys.MAX_LENGTH);

    assertThat(deliver(store, handler, tenKb, () -> "first")).isEqualTo("first");
    assertThat(deliver(store, handler, tenKb, () -> "again")).isEqualTo("first");
    assertThat(deliver(store, handler, otherTenKb, () -> "other")).isEqualTo("other");
    assertThat(deliver(store, handler, longest, () -> "longest")).isEqualTo("longest");
    assertThat(deliver(store, handler, longest + "k", () -> "longer")).isEqualTo("longer");

    List<String> claimed = new ArrayList<>();
    for (String event : listener.events) {
      if (event.startsWith("claimed:")) {
        claimed.add(event.substring("claimed:".length()));
      }
    }
    assertThat(claimed).hasSize(4);
    assertThat(claimed.get(0)).matches("sha256:[0-9a-f]{64}");
    assertThat(claimed.get(1)).matches("sha256:[0-9a-f]{64}");
    assertThat(claimed.get(1)).isNotEqualTo(claimed.get(0));
    assertThat(claimed.get(2)).isEqualTo(longest);
    assertThat(claimed.get(3)).matches("sha256:[0-9a-f]{64}");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  public void unusualTextKeysRoundTrip(Mode mode) throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("text", mode);
    String[] keys = {"zażółć-🙂-東京", "a'b\"c;--", "nul\0inside", "%_\\"};
    for (String key : keys) {
      assertThat(deliver(store, handler, key, () -> "v:" + key)).isEqualTo("v:" + key);
    }
    for (String key : keys) {
      assertThat(deliver(store, handler, key, () -> "again")).isEqualTo("v:" + key);
    }
    assertThrows(IdempotencyKeyException.class, () -> store.claim(handler, "bad\uD800surrogate"));
  }

  /**
   * Keys are compared exactly, on every database: a table whose collation ignored case or trailing
   * spaces (MySQL's defaults, and every PAD SPACE collation) would replay one key's result for
   * another.
   */
  @ParameterizedTest
  @EnumSource(Mode.class)
  public void keysThatDifferOnlyInCaseOrTrailingSpacesAreDifferentKeys(Mode mode)
      throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("exact", mode);
    String[] keys = {"order-1", "ORDER-1", "Order-1", "order-1 ", "order-1  ", " order-1", "ﬀ", "ff"};
    for (String key : keys) {
      assertThat(deliver(store, handler, key, () -> "v:[" + key + "]")).isEqualTo("v:[" + key + "]");
    }
    for (String key : keys) {
      assertThat(deliver(store, handler, key, () -> "again")).isEqualTo("v:[" + key + "]");
    }
    HandlerDescriptor upper = handler("EXACT", mode);
    assertThat(deliver(store, upper, "order-1", () -> "other handler")).isEqualTo("other handler");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  public void eightThreadsDeliveringTheSameKeysRunEachBodyOnce(Mode mode) throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("concurrent", mode);
    int keys = 24;
    int threads = 8;
    int rounds = 2;
    Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> successes = new ConcurrentHashMap<>();
    ExecutorService pool = threads(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int offset = t;
      workers.add(
          pool.submit(
              () -> {
                start.await();
                int deliveries = 0;
                for (int round = 0; round < rounds; round++) {
                  for (int i = 0; i < keys; i++) {
                    String key = "key-" + ((i + offset * 3) % keys);
                    while (true) {
                      try {
                        String result =
                            deliver(
                                store,
                                handler,
                                key,
                                () -> {
                                  // Keys divisible by 5 fail on their first attempt, so the release
                                  // path
                                  // races with the others too.
                                  int attempt =
                                      attempts
                                          .computeIfAbsent(key, k -> new AtomicInteger())
                                          .incrementAndGet();
                                  if (key.hashCode() % 5 == 0 && attempt == 1) {
                                    throw new FirstAttemptFails();
                                  }
                                  successes
                                      .computeIfAbsent(key, k -> new AtomicInteger())
                                      .incrementAndGet();
                                  return "result-" + key;
                                });
                        assertThat(result).isEqualTo("result-" + key);
                        deliveries++;
                        break;
                      } catch (DuplicateInProgressException | FirstAttemptFails e) {
                        // The broker redelivers a moment later.
                        Thread.sleep(1);
                      }
                    }
                  }
                }
                return deliveries;
              }));
    }
    start.countDown();
    int total = 0;
    for (Future<Integer> worker : workers) {
      total += worker.get(60, TimeUnit.SECONDS);
    }
    assertThat(total).isEqualTo(threads * rounds * keys);
    assertThat(successes).hasSize(keys);
    for (Map.Entry<String, AtomicInteger> e : successes.entrySet()) {
      assertWithMessage(e.getKey()).that(e.getValue().get()).isEqualTo(1);
      int expectedAttempts = e.getKey().hashCode() % 5 == 0 ? 2 : 1;
      assertWithMessage(e.getKey())
          .that(attempts.get(e.getKey()).get())
          .isEqualTo(expectedAttempts);
    }
  }

  @Test
  public void expiredRecordsAreTakenOverByExactlyOneOfManyThreads() throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("takeover", Mode.TRANSACTIONAL);
    int keys = 20;
    for (int i = 0; i < keys; i++) {
      deliver(store, handler, "k" + i, () -> "old");
    }
    clock.advance(Duration.ofHours(2));
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    ExecutorService pool = threads(8);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      workers.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < keys; i++) {
                  String key = "k" + i;
                  while (true) {
                    try {
                      String result =
                          deliver(
                              store,
                              handler,
                              key,
                              () -> {
                                runs.computeIfAbsent(key, k -> new AtomicInteger())
                                    .incrementAndGet();
                                return "new";
                              });
                      assertThat(result).isEqualTo("new");
                      break;
                    } catch (DuplicateInProgressException e) {
                      Thread.sleep(1);
                    }
                  }
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> worker : workers) {
      worker.get(60, TimeUnit.SECONDS);
    }
    assertThat(runs).hasSize(keys);
    for (Map.Entry<String, AtomicInteger> e : runs.entrySet()) {
      assertWithMessage(e.getKey()).that(e.getValue().get()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  public void everyDecidedClaimIsTimedOnce(Mode mode) throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("timed", mode);
    deliver(store, handler, "first", () -> "ok");
    deliver(store, handler, "first", () -> "again");
    assertThrows(
        IllegalStateException.class,
        () ->
            deliver(
                store,
                handler,
                "failing",
                () -> {
                  throw new IllegalStateException("handler failed");
                }));
    clock.advance(Duration.ofHours(2));
    deliver(store, handler, "first", () -> "after the ttl");
    assertThrows(IdempotencyKeyException.class, () -> store.claim(handler, " "));

    assertThat(listener.events)
        .containsExactly(
            "claimed:first",
            "completed:first",
            "duplicate:first",
            "claimed:failing",
            "released:failing",
            "expired:first",
            "completed:first")
        .inOrder();
    assertThat(listener.timedClaims.stream().map(RecordingListener.TimedClaim::key).toList())
        .containsExactly("first", "first", "failing", "first")
        .inOrder();
    for (RecordingListener.TimedClaim timed : listener.timedClaims) {
      assertThat(timed.duration().isNegative()).isFalse();
    }
  }

  @Test
  public void aClaimThatGivesUpWaitingIsTimedWithItsWait() throws Exception {
    IdempotencyStore store = newStore(InFlightPolicy.waitUpTo(Duration.ofMillis(100)));
    HandlerDescriptor handler = handler("email", Mode.LEASE);
    Claim first = store.claim(handler, "k");
    inAnotherThread(
        () -> assertThrows(DuplicateInProgressException.class, () -> store.claim(handler, "k")));
    first.complete(null);

    assertThat(listener.events).containsAtLeast("claimed:k", "inProgress:k").inOrder();
    assertThat(listener.timedClaims).hasSize(2);
    assertThat(listener.timedClaims.get(1).key()).isEqualTo("k");
    assertThat(listener.timedClaims.get(1).duration()).isAtLeast(Duration.ofMillis(100));
  }

  @Test
  public void aThrowingListenerDoesNotChangeTheOutcome() throws Exception {
    // Stores built by newStore report to `listener`; this one throws on every event.
    listener.events.clear();
    IdempotencyStore store =
        newStoreWithListener(
            new IdempotencyListener() {
              @Override
              public void claimed(HandlerDescriptor handler, String key) {
                throw new IllegalStateException("listener bug");
              }

              @Override
              public void completed(HandlerDescriptor handler, String key) {
                throw new IllegalStateException("listener bug");
              }
            });
    HandlerDescriptor handler = handler("listener", Mode.TRANSACTIONAL);
    assertThat(deliver(store, handler, "k", () -> "ok")).isEqualTo("ok");
    assertThat(deliver(store, handler, "k", () -> "again")).isEqualTo("ok");
  }

  // --- batches --------------------------------------------------------------------------------

  /** The body of a batch handler: gets the messages seen for the first time, in batch order. */
  @FunctionalInterface
  protected interface BatchBody {
    void run(List<String> fresh) throws Exception;
  }

  /**
   * Delivers a batch of messages (here: their keys) the way a generated batch wrapper does, and
   * returns the messages the handler got.
   */
  protected static List<String> deliverBatch(
      IdempotencyStore store, HandlerDescriptor handler, List<String> keys, BatchBody body)
      throws Exception {
    BatchClaim claim = store.claimBatch(handler, keys);
    List<String> fresh = claim.acquiredOf(keys);
    if (!fresh.isEmpty()) {
      try {
        body.run(fresh);
      } catch (Throwable failure) {
        claim.release(failure);
        throw failure;
      }
    }
    claim.complete();
    return fresh;
  }

  private static List<String> deliverBatch(
      IdempotencyStore store, HandlerDescriptor handler, String... keys) throws Exception {
    return deliverBatch(store, handler, List.of(keys), fresh -> {});
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  public void aBatchProcessesEachKeyOnceInsideAndAcrossBatches(Mode mode) throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("batch", mode);
    List<String> processed = new ArrayList<>();

    BatchClaim first = store.claimBatch(handler, List.of("b", "a", "b", "c"));
    assertThat(first.size()).isEqualTo(4);
    assertThat(first.acquiredCount()).isEqualTo(3);
    assertThat(List.of(first.isAcquired(0), first.isAcquired(1), first.isAcquired(2)))
        .containsExactly(true, true, false)
        .inOrder();
    assertThat(first.acquiredOf(List.of("m0", "m1", "m2", "m3")))
        .containsExactly("m0", "m1", "m3")
        .inOrder();
    first.complete();

    assertThat(deliverBatch(store, handler, List.of("c", "d", "a", "d", "e"), processed::addAll))
        .containsExactly("d", "e")
        .inOrder();
    assertThat(deliverBatch(store, handler, "e", "d", "c", "b", "a")).isEmpty();
    assertThat(processed).containsExactly("d", "e").inOrder();
    // A single delivery sees the batch's records, and a batch sees a single delivery's.
    assertThat(store.claim(handler, "a").isDuplicate()).isTrue();
    store.claim(handler, "f").complete(null);
    assertThat(deliverBatch(store, handler, "f", "g")).containsExactly("g");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  public void aBatchReportsOneEventPerKeyAndTimesEachClaim(Mode mode)
      throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("batch-events", mode);
    deliverBatch(store, handler, "x");
    listener.events.clear();
    listener.timedClaims.clear();

    deliverBatch(store, handler, "b", "x", "a", "b");

    // One event per distinct key (a key repeated in the batch is one claim), in an order that is
    // the store's; every claim's decision comes before any completion.
    assertThat(listener.events.subList(0, 3)).containsExactly("claimed:b", "duplicate:x", "claimed:a");
    assertThat(listener.events.subList(3, listener.events.size()))
        .containsExactly("completed:b", "completed:a");
    assertThat(listener.timedClaims.stream().map(RecordingListener.TimedClaim::key).toList())
        .containsExactly("b", "x", "a");
    for (RecordingListener.TimedClaim timed : listener.timedClaims) {
      assertThat(timed.duration().isNegative()).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  public void aFailedBatchRecordsNothingAndItsRedeliveryRunsAgain(Mode mode) throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("batch-failure", mode);
    deliverBatch(store, handler, "done");
    IllegalStateException boom = new IllegalStateException("downstream unavailable");

    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                deliverBatch(
                    store,
                    handler,
                    List.of("p", "done", "q"),
                    fresh -> {
                      throw boom;
                    }));
    assertThat(thrown).isSameInstanceAs(boom);
    assertThat(boom.getSuppressed()).isEmpty();
    assertThat(listener.events).containsAtLeast("released:p", "released:q");
    assertThat(listener.events).doesNotContain("completed:p");

    List<String> redelivered = new ArrayList<>();
    assertThat(deliverBatch(store, handler, List.of("p", "done", "q"), redelivered::addAll))
        .containsExactly("p", "q")
        .inOrder();
    assertThat(deliverBatch(store, handler, "p", "done", "q")).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  public void aBatchWithNothingNewCompletesOrReleasesWithoutEffect(Mode mode) throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("batch-empty", mode);
    deliverBatch(store, handler, "a", "b");

    BatchClaim duplicates = store.claimBatch(handler, List.of("a", "b", "a"));
    assertThat(duplicates.acquiredCount()).isEqualTo(0);
    assertThat(duplicates.acquiredOf(List.of(1, 2, 3))).isEmpty();
    duplicates.release(new IllegalStateException("nothing ran"));
    assertThrows(IllegalStateException.class, duplicates::complete);

    BatchClaim empty = store.claimBatch(handler, List.of());
    assertThat(empty.size()).isEqualTo(0);
    empty.complete();
    assertThat(deliverBatch(store, handler, "a", "c")).containsExactly("c");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  public void aBatchWithAnInvalidKeyIsRefusedAndClaimsNothing(Mode mode) throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("batch-keys", mode);
    for (String bad : new String[] {null, " ", "bad\uD800surrogate"}) {
      List<String> keys = new ArrayList<>(List.of("ok-1", "ok-2"));
      keys.add(1, bad);
      IdempotencyKeyException e =
          assertThrows(IdempotencyKeyException.class, () -> store.claimBatch(handler, keys));
      assertThat(e).hasMessageThat().contains("test.Handler#batch-keys");
    }
    assertThat(listener.events).isEmpty();
    assertThat(deliverBatch(store, handler, "ok-1", "ok-2")).containsExactly("ok-1", "ok-2");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  public void aBatchTakesOverRecordsPastTheirTtl(Mode mode) throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("batch-ttl", mode);
    deliverBatch(store, handler, "old", "older");
    clock.advance(Duration.ofMinutes(30));
    deliverBatch(store, handler, "recent");
    clock.advance(Duration.ofMinutes(31));
    listener.events.clear();

    assertThat(deliverBatch(store, handler, "recent", "old", "new", "older"))
        .containsExactly("old", "new", "older")
        .inOrder();
    assertThat(listener.events)
        .containsAtLeast("duplicate:recent", "expired:old", "claimed:new", "expired:older");
    assertThat(deliverBatch(store, handler, "old", "new", "older")).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  public void aBatchStoresLongKeysAsDigests(Mode mode) throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("batch-long", mode);
    String tenKb = "x".repeat(10 * 1024);
    String otherTenKb = "x".repeat(10 * 1024 - 1) + "y";
    String longest = "k".repeat(StoredKeys.MAX_LENGTH);

    assertThat(deliverBatch(store, handler, tenKb, longest, tenKb, otherTenKb))
        .containsExactly(tenKb, longest, otherTenKb)
        .inOrder();
    assertThat(deliverBatch(store, handler, otherTenKb, tenKb, longest)).isEmpty();
    assertThat(store.claim(handler, tenKb).isDuplicate()).isTrue();
    List<String> claimed = new ArrayList<>();
    for (String event : listener.events) {
      if (event.startsWith("claimed:")) {
        claimed.add(event.substring("claimed:".length()));
      }
    }
    assertThat(claimed).hasSize(3);
    assertThat(claimed).contains(longest);
    claimed.remove(longest);
    assertThat(claimed.get(0)).matches("sha256:[0-9a-f]{64}");
    assertThat(claimed.get(1)).matches("sha256:[0-9a-f]{64}");
    assertThat(claimed.get(1)).isNotEqualTo(claimed.get(0));
  }

  @Test
  public void aBatchWithALeaseInFlightAcquiresNothingAndNamesTheKey() throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("batch-lease", Mode.LEASE);
    Claim running = store.claim(handler, "b");

    DuplicateInProgressException e =
        inAnotherThread(
            () ->
                assertThrows(
                    DuplicateInProgressException.class,
                    () -> store.claimBatch(handler, List.of("c", "b", "a"))));
    assertThat(e.key()).isEqualTo("b");
    assertThat(e.handlerName()).isEqualTo(handler.name());
    assertThat(listener.events).contains("inProgress:b");
    assertThat(listener.events).doesNotContain("completed:a");

    running.complete(null);
    // The batch that gave up left nothing claimed: its redelivery processes a and c.
    assertThat(deliverBatch(store, handler, "c", "b", "a")).containsExactly("c", "a").inOrder();
  }

  @Test
  public void aWaitingBatchSkipsTheKeyThatTheDeliveryInFlightCompletes() throws Exception {
    IdempotencyStore store = newStore(InFlightPolicy.waitUpTo(Duration.ofSeconds(30)));
    HandlerDescriptor handler = handler("batch-wait", Mode.LEASE);
    Claim running = store.claim(handler, "b");
    Future<List<String>> batch =
        threads(1).submit(() -> deliverBatch(store, handler, "a", "b", "c"));
    Thread.sleep(50); // lets the batch start waiting; the outcome does not depend on it
    running.complete(null);
    assertThat(batch.get(30, TimeUnit.SECONDS)).containsExactly("a", "c").inOrder();
  }

  @Test
  public void aWaitingBatchProcessesTheKeyThatTheDeliveryInFlightReleases() throws Exception {
    IdempotencyStore store = newStore(InFlightPolicy.waitUpTo(Duration.ofSeconds(30)));
    HandlerDescriptor handler = handler("batch-wait", Mode.LEASE);
    Claim running = store.claim(handler, "b");
    Future<List<String>> batch =
        threads(1).submit(() -> deliverBatch(store, handler, "a", "b", "c"));
    Thread.sleep(50); // lets the batch start waiting; the outcome does not depend on it
    running.release(new IllegalStateException("first delivery failed"));
    assertThat(batch.get(30, TimeUnit.SECONDS)).containsExactly("a", "b", "c").inOrder();
  }

  @Test
  public void aBatchTakesOverAnExpiredLease() throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("batch-lease", Mode.LEASE);
    Claim stuck = store.claim(handler, "k");
    clock.advance(Duration.ofMinutes(2));
    assertThat(deliverBatch(store, handler, "j", "k")).containsExactly("j", "k").inOrder();
    assertThat(listener.events).contains("expired:k");
    assertThrows(IdempotencyStoreException.class, () -> stuck.complete(null));
    assertThat(store.claim(handler, "k").isDuplicate()).isTrue();
  }

  @Test
  public void aTransactionalBatchNeverRunsAKeyThatASingleDeliveryHolds() throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("batch-tx", Mode.TRANSACTIONAL);
    Claim running = store.claim(handler, "b");
    Future<Object> batch =
        threads(1)
            .submit(
                () -> {
                  try {
                    return deliverBatch(store, handler, "a", "b", "c");
                  } catch (DuplicateInProgressException e) {
                    return e;
                  }
                });
    Thread.sleep(100); // lets the batch reach the store; the outcome does not depend on it
    running.complete(null);
    Object outcome = batch.get(30, TimeUnit.SECONDS);
    // Either it saw b in flight (retryable, nothing claimed) or waited for its commit.
    if (outcome instanceof DuplicateInProgressException e) {
      assertThat(e.key()).isEqualTo("b");
      assertThat(deliverBatch(store, handler, "a", "b", "c")).containsExactly("a", "c").inOrder();
    } else {
      assertThat(outcome).isEqualTo(List.of("a", "c"));
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  public void fourThreadsDeliveringOverlappingBatchesRunEveryKeyOnce(Mode mode) throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = handler("batch-concurrent", mode);
    int keys = 60;
    int threads = 4;
    int batchSize = 10;
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    ExecutorService pool = threads(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      workers.add(
          pool.submit(
              () -> {
                start.await();
                int batches = 0;
                // Each thread walks the keys in its own order (forwards or backwards, from its own
                // offset), so concurrent batches overlap in opposite orders.
                for (int first = 0; first < keys; first += batchSize / 2) {
                  List<String> batch = new ArrayList<>();
                  for (int i = 0; i < batchSize; i++) {
                    int index = (first + i + thread * 15) % keys;
                    batch.add("key-" + (thread % 2 == 0 ? index : keys - 1 - index));
                  }
                  while (true) {
                    try {
                      deliverBatch(
                          store,
                          handler,
                          batch,
                          fresh -> {
                            for (String key : fresh) {
                              // Keys divisible by 7 fail their batch on the first attempt.
                              if (key.hashCode() % 7 == 0
                                  && failures
                                          .computeIfAbsent(key, k -> new AtomicInteger())
                                          .incrementAndGet()
                                      == 1) {
                                throw new FirstAttemptFails();
                              }
                            }
                            for (String key : fresh) {
                              runs.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                            }
                          });
                      batches++;
                      break;
                    } catch (DuplicateInProgressException | FirstAttemptFails e) {
                      Thread.sleep(1); // the broker redelivers the batch a moment later
                    }
                  }
                }
                return batches;
              }));
    }
    start.countDown();
    int total = 0;
    for (Future<Integer> worker : workers) {
      total += worker.get(120, TimeUnit.SECONDS);
    }
    assertThat(total).isEqualTo(threads * (keys / (batchSize / 2)));
    assertThat(runs).hasSize(keys);
    for (Map.Entry<String, AtomicInteger> e : runs.entrySet()) {
      assertWithMessage(e.getKey()).that(e.getValue().get()).isEqualTo(1);
    }
  }

  // --- payload fingerprints ------------------------------------------------------------------

  protected static final PayloadFingerprint AMOUNT_10 = fingerprint("10.00");
  protected static final PayloadFingerprint AMOUNT_99 = fingerprint("99.00");

  /** The fingerprint of a request whose amount is {@code amount}. */
  protected static PayloadFingerprint fingerprint(String amount) {
    return PayloadFingerprint.builder()
        .add("request.amount", new BigDecimal(amount))
        .add("request.currency", "EUR")
        .build();
  }

  protected static HandlerDescriptor fingerprinted(String name, Mode mode) {
    return HandlerDescriptor.builder("test.Handler#" + name)
        .keyPath("request.id")
        .fingerprintPaths("request.amount, request.currency")
        .mode(mode)
        .ttl(Duration.ofHours(1))
        .lease(Duration.ofMinutes(1))
        .build();
  }

  /** Delivers a message with a payload fingerprint the way a generated wrapper does. */
  protected static String deliver(
      IdempotencyStore store,
      HandlerDescriptor handler,
      String key,
      PayloadFingerprint fingerprint,
      Callable<String> body)
      throws Exception {
    Claim claim = store.claim(handler, key, fingerprint);
    if (claim.isDuplicate()) {
      return STRING.decode(claim.replayedResult());
    }
    String result;
    try {
      result = body.call();
    } catch (Throwable failure) {
      claim.release(failure);
      throw failure;
    }
    claim.complete(STRING.encode(result));
    return result;
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  public void theSameKeyWithTheSameFingerprintReplays(Mode mode) throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = fingerprinted("pay", mode);
    AtomicInteger runs = new AtomicInteger();
    Callable<String> body = () -> "paid-" + runs.incrementAndGet();

    assertThat(deliver(store, handler, "req-1", AMOUNT_10, body)).isEqualTo("paid-1");
    assertThat(deliver(store, handler, "req-1", fingerprint("10.0"), body)).isEqualTo("paid-1");
    assertThat(runs.get()).isEqualTo(1);
    assertThat(listener.events)
        .containsExactly("claimed:req-1", "completed:req-1", "duplicate:req-1")
        .inOrder();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  public void theSameKeyWithAnotherFingerprintIsRefusedAndChangesNothing(Mode mode)
      throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = fingerprinted("pay", mode);
    AtomicInteger runs = new AtomicInteger();
    Callable<String> body = () -> "paid-" + runs.incrementAndGet();
    assertThat(deliver(store, handler, "req-1", AMOUNT_10, body)).isEqualTo("paid-1");

    IdempotencyKeyReuseException e =
        assertThrows(
            IdempotencyKeyReuseException.class,
            () -> deliver(store, handler, "req-1", AMOUNT_99, body));
    assertThat(e.handlerName()).isEqualTo(handler.name());
    assertThat(e.key()).isEqualTo("req-1");
    assertThat(e).hasMessageThat().contains(handler.name());
    assertThat(e).hasMessageThat().contains("'req-1'");
    assertThat(e).hasMessageThat().contains("request.amount, request.currency");
    assertThat(e).hasMessageThat().contains(AMOUNT_10 + " recorded, " + AMOUNT_99 + " now");
    assertThat(runs.get()).isEqualTo(1);

    // The record is as the first delivery left it.
    assertThat(deliver(store, handler, "req-1", AMOUNT_10, body)).isEqualTo("paid-1");
    assertThrows(
        IdempotencyKeyReuseException.class,
        () -> deliver(store, handler, "req-1", AMOUNT_99, body));
    // A delivery without a fingerprint matches any record.
    assertThat(deliver(store, handler, "req-1", body)).isEqualTo("paid-1");
    assertThat(runs.get()).isEqualTo(1);
    assertThat(listener.events)
        .containsExactly(
            "claimed:req-1",
            "completed:req-1",
            "keyReused:req-1",
            "duplicate:req-1",
            "keyReused:req-1",
            "duplicate:req-1")
        .inOrder();
    assertThat(listener.timedClaims).hasSize(5);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  public void aRecordWithoutAFingerprintMatchesAnyFingerprint(Mode mode) throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = fingerprinted("pay", mode);
    assertThat(deliver(store, handler, "req-1", () -> "paid")).isEqualTo("paid");
    assertThat(deliver(store, handler, "req-1", AMOUNT_99, () -> "again")).isEqualTo("paid");
    assertThat(deliver(store, handler, "req-1", AMOUNT_10, () -> "again")).isEqualTo("paid");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  public void aReleasedClaimKeepsNoFingerprint(Mode mode) throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = fingerprinted("pay", mode);
    assertThrows(
        IllegalStateException.class,
        () ->
            deliver(
                store,
                handler,
                "req-1",
                AMOUNT_10,
                () -> {
                  throw new IllegalStateException("card declined");
                }));
    assertThat(deliver(store, handler, "req-1", AMOUNT_99, () -> "paid 99")).isEqualTo("paid 99");
    assertThat(deliver(store, handler, "req-1", AMOUNT_99, () -> "again")).isEqualTo("paid 99");
    assertThrows(
        IdempotencyKeyReuseException.class,
        () -> deliver(store, handler, "req-1", AMOUNT_10, () -> "again"));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  public void anExpiredRecordIsTakenOverWithTheNewFingerprint(Mode mode) throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = fingerprinted("pay", mode);
    assertThat(deliver(store, handler, "req-1", AMOUNT_10, () -> "paid 10")).isEqualTo("paid 10");
    clock.advance(Duration.ofMinutes(61));
    assertThat(deliver(store, handler, "req-1", AMOUNT_99, () -> "paid 99")).isEqualTo("paid 99");
    assertThat(deliver(store, handler, "req-1", AMOUNT_99, () -> "again")).isEqualTo("paid 99");
    assertThrows(
        IdempotencyKeyReuseException.class,
        () -> deliver(store, handler, "req-1", AMOUNT_10, () -> "again"));
    assertThat(listener.events).contains("expired:req-1");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  public void anExpiredRecordTakenOverWithoutAFingerprintKeepsNone(Mode mode) throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = fingerprinted("pay", mode);
    assertThat(deliver(store, handler, "req-1", AMOUNT_10, () -> "paid 10")).isEqualTo("paid 10");
    clock.advance(Duration.ofMinutes(61));
    assertThat(deliver(store, handler, "req-1", () -> "paid")).isEqualTo("paid");
    // The new record has no fingerprint, so it matches any: not the expired record's.
    assertThat(deliver(store, handler, "req-1", AMOUNT_99, () -> "again")).isEqualTo("paid");
    assertThat(deliver(store, handler, "req-1", AMOUNT_10, () -> "again")).isEqualTo("paid");
  }

  @Test
  public void aLeaseInFlightFollowsTheInFlightRulesWhateverItsFingerprint() throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = fingerprinted("pay", Mode.LEASE);
    Claim first = store.claim(handler, "req-1", AMOUNT_10);
    assertThat(first.isDuplicate()).isFalse();
    inAnotherThread(
        () ->
            assertThrows(
                DuplicateInProgressException.class,
                () -> store.claim(handler, "req-1", AMOUNT_99)));
    first.complete(STRING.encode("paid 10"));
    assertThrows(
        IdempotencyKeyReuseException.class, () -> store.claim(handler, "req-1", AMOUNT_99));
    assertThat(listener.events)
        .containsExactly(
            "claimed:req-1", "inProgress:req-1", "completed:req-1", "keyReused:req-1")
        .inOrder();
  }

  @Test
  public void aDeliveryThatWaitedForTheFirstComparesFingerprintsOnceItCompletes()
      throws Exception {
    IdempotencyStore store = newStore(InFlightPolicy.waitUpTo(Duration.ofSeconds(30)));
    HandlerDescriptor handler = fingerprinted("pay", Mode.LEASE);
    Claim first = store.claim(handler, "req-1", AMOUNT_10);
    CountDownLatch started = new CountDownLatch(1);
    Future<Claim> second =
        threads(1)
            .submit(
                () -> {
                  started.countDown();
                  return store.claim(handler, "req-1", AMOUNT_99);
                });
    started.await();
    Thread.sleep(50); // lets the second delivery start polling; the outcome does not depend on it
    first.complete(STRING.encode("paid 10"));
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> second.get(30, TimeUnit.SECONDS));
    assertThat(e).hasCauseThat().isInstanceOf(IdempotencyKeyReuseException.class);
    assertThat(listener.events).contains("keyReused:req-1");
    assertThat(STRING.decode(store.claim(handler, "req-1", AMOUNT_10).replayedResult()))
        .isEqualTo("paid 10");
  }

  @Test
  public void aTransactionalDeliveryInFlightNeverRunsAnotherFingerprint() throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = fingerprinted("pay", Mode.TRANSACTIONAL);
    Claim first = store.claim(handler, "req-1", AMOUNT_10);
    Future<Object> second =
        threads(1)
            .submit(
                () -> {
                  try {
                    return store.claim(handler, "req-1", AMOUNT_99);
                  } catch (DuplicateInProgressException | IdempotencyKeyReuseException e) {
                    return e;
                  }
                });
    // Lets the second delivery reach the store; the outcome does not depend on it.
    Thread.sleep(100);
    first.complete(STRING.encode("paid 10"));
    Object outcome = second.get(30, TimeUnit.SECONDS);
    // Either it saw the first in flight (retryable), or waited for its commit and was refused.
    assertThat(
            outcome instanceof DuplicateInProgressException
                || outcome instanceof IdempotencyKeyReuseException)
        .isTrue();
    assertThat(STRING.decode(store.claim(handler, "req-1", AMOUNT_10).replayedResult()))
        .isEqualTo("paid 10");
  }

  @Test
  public void anExpiredLeaseIsTakenOverWithTheNewFingerprint() throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = fingerprinted("pay", Mode.LEASE);
    Claim stuck = store.claim(handler, "req-1", AMOUNT_10);
    clock.advance(Duration.ofMinutes(2));
    Claim takeover = store.claim(handler, "req-1", AMOUNT_99);
    assertThat(takeover.isDuplicate()).isFalse();
    takeover.complete(STRING.encode("paid 99"));
    assertThrows(IdempotencyStoreException.class, () -> stuck.complete(STRING.encode("late")));
    assertThat(STRING.decode(store.claim(handler, "req-1", AMOUNT_99).replayedResult()))
        .isEqualTo("paid 99");
    assertThrows(
        IdempotencyKeyReuseException.class, () -> store.claim(handler, "req-1", AMOUNT_10));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  public void fingerprintsOfLongKeysAreKeptWithTheirDigests(Mode mode) throws Exception {
    IdempotencyStore store = newStore();
    HandlerDescriptor handler = fingerprinted("pay", mode);
    String longKey = "req-" + "x".repeat(400);
    assertThat(deliver(store, handler, longKey, AMOUNT_10, () -> "paid")).isEqualTo("paid");
    IdempotencyKeyReuseException e =
        assertThrows(
            IdempotencyKeyReuseException.class,
            () -> deliver(store, handler, longKey, AMOUNT_99, () -> "again"));
    assertThat(e.key()).isEqualTo(longKey);
    assertThat(deliver(store, handler, longKey, AMOUNT_10, () -> "again")).isEqualTo("paid");
  }

  private static final class FirstAttemptFails extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  /** A fresh store reporting to {@code listener} instead of {@link #listener}. */
  protected abstract IdempotencyStore newStoreWithListener(IdempotencyListener listener);

  protected <T> T inAnotherThread(Callable<T> task) throws Exception {
    return threads(1).submit(task).get(60, TimeUnit.SECONDS);
  }

  protected static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
