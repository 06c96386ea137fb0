package io.idempo.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClaimTest {

  /** An acquired claim that records what the protocol asked of it. */
  private static final class RecordingClaim extends Claim {
    final List<String> calls = new ArrayList<>();
    RuntimeException discardFailure;

    @Override
    protected void recordCompletion(byte[] encodedResult) {
      calls.add("complete:" + (encodedResult == null ? "null" : new String(encodedResult, StandardCharsets.UTF_8)));
    }

    @Override
    protected void discard(Throwable failure) {
      calls.add("discard:" + failure.getMessage());
      if (discardFailure != null) {
        throw discardFailure;
      }
    }
  }

  @Test
  void acquiredClaimCompletesOnce() {
    RecordingClaim claim = new RecordingClaim();
    assertThat(claim.isDuplicate()).isFalse();
    claim.complete("ok".getBytes(StandardCharsets.UTF_8));
    assertThat(claim.calls).containsExactly("complete:ok");
    assertThrows(IllegalStateException.class, () -> claim.complete(null));
    assertThrows(IllegalStateException.class, () -> claim.release(new RuntimeException("late")));
    assertThat(claim.calls).hasSize(1);
  }

  @Test
  void releasedClaimCannotComplete() {
    RecordingClaim claim = new RecordingClaim();
    claim.release(new IllegalStateException("boom"));
    assertThat(claim.calls).containsExactly("discard:boom");
    assertThrows(IllegalStateException.class, () -> claim.complete(null));
  }

  @Test
  void releaseFailureIsSuppressedOnTheOriginalException() {
    RecordingClaim claim = new RecordingClaim();
    claim.discardFailure = new IdempotencyStoreException("connection lost");
    RuntimeException original = new RuntimeException("handler failed");
    claim.release(original);
    assertThat(original.getSuppressed()).asList().containsExactly(claim.discardFailure);
  }

  @Test
  void duplicateReplaysACopyAndRefusesCompletion() {
    byte[] stored = "receipt-1".getBytes(StandardCharsets.UTF_8);
    Claim duplicate = Claim.duplicate(stored);
    stored[0] = 'X';
    assertThat(duplicate.isDuplicate()).isTrue();
    assertThat(new String(duplicate.replayedResult(), StandardCharsets.UTF_8)).isEqualTo("receipt-1");
    assertThrows(IllegalStateException.class, () -> duplicate.complete(null));
    assertThrows(IllegalStateException.class, () -> duplicate.release(new RuntimeException()));
  }

  @Test
  void acquiredClaimHasNoReplayedResult() {
    assertThrows(IllegalStateException.class, () -> new RecordingClaim().replayedResult());
  }

  @Test
  void voidDuplicateReplaysNull() {
    assertThat(Claim.duplicate(null).replayedResult()).isNull();
  }
}
