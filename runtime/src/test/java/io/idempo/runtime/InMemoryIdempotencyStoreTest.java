package io.idempo.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.IdempotentHandler.Mode;
import java.time.Duration;
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
