package io.idempo.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The default batch claim: one claim per distinct key in the keys' natural order, ended in the
 * reverse order, as a store whose claims nest on the claiming thread needs.
 */
class ClaimByClaimBatchTest {

  private static final HandlerDescriptor SETTLE = HandlerDescriptor.builder("settle").build();

  /** A store that records each call; the keys in {@code done} are duplicates. */
  private static final class RecordingStore implements IdempotencyStore {
    final List<String> calls = new ArrayList<>();
    final Set<String> done;
    final String failOn;

    RecordingStore(Set<String> done, String failOn) {
      this.done = done;
      this.failOn = failOn;
    }

    @Override
    public Claim claim(HandlerDescriptor handler, String key) {
      if (key.equals(failOn)) {
        throw new IdempotencyStoreException("store down at " + key);
      }
      calls.add("claim " + key);
      if (done.contains(key)) {
        return Claim.duplicate(null);
      }
      return new Claim() {
        @Override
        protected void recordCompletion(byte[] encodedResult) {
          calls.add("complete " + key);
        }

        @Override
        protected void discard(Throwable failure) {
          calls.add("release " + key);
        }
      };
    }
  }

  @Test
  void claimsInKeyOrderAndCompletesTheLastClaimFirst() {
    RecordingStore store = new RecordingStore(Set.of("b"), null);

    BatchClaim batch = store.claimBatch(SETTLE, List.of("c", "a", "b", "a"));
    batch.complete();

    assertThat(batch.acquiredOf(List.of("C", "A", "B", "A2"))).containsExactly("C", "A").inOrder();
    assertThat(store.calls)
        .containsExactly("claim a", "claim b", "claim c", "complete c", "complete a")
        .inOrder();
  }

  @Test
  void releasesTheLastClaimFirst() {
    RecordingStore store = new RecordingStore(Set.of(), null);

    store.claimBatch(SETTLE, List.of("b", "a")).release(new IllegalStateException("handler"));

    assertThat(store.calls)
        .containsExactly("claim a", "claim b", "release b", "release a")
        .inOrder();
  }

  @Test
  void aClaimThatFailsReleasesTheClaimsTakenBeforeItLastFirst() {
    RecordingStore store = new RecordingStore(Set.of(), "c");

    assertThrows(
        IdempotencyStoreException.class, () -> store.claimBatch(SETTLE, List.of("c", "b", "a")));

    assertThat(store.calls)
        .containsExactly("claim a", "claim b", "release b", "release a")
        .inOrder();
  }
}
