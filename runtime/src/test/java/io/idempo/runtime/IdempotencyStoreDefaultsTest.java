package io.idempo.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default methods of {@link IdempotencyStore}, for stores that implement only a claim. */
class IdempotencyStoreDefaultsTest {

  /** A store that keeps no fingerprints: it implements only the two-argument claim. */
  private static final class PlainStore implements IdempotencyStore {
    final List<String> claimed = new ArrayList<>();

    @Override
    public Claim claim(HandlerDescriptor handler, String key) {
      claimed.add(key);
      return Claim.duplicate(new byte[] {1});
    }
  }

  private static final HandlerDescriptor HANDLER =
      HandlerDescriptor.builder("test.Handler#pay")
          .keyPath("request.id")
          .fingerprintPaths("request.amount")
          .build();

  @Test
  void aClaimWithoutAFingerprintIsTheTwoArgumentClaim() {
    PlainStore store = new PlainStore();
    assertThat(store.claim(HANDLER, "k", null).replayedResult()).isEqualTo(new byte[] {1});
    assertThat(store.claimed).containsExactly("k");
  }

  @Test
  void aStoreThatKeepsNoFingerprintsRefusesOneNamingTheHandlerAndItsPaths() {
    PlainStore store = new PlainStore();
    PayloadFingerprint fingerprint = PayloadFingerprint.builder().add("request.amount", 5).build();
    UnsupportedOperationException e =
        assertThrows(
            UnsupportedOperationException.class, () -> store.claim(HANDLER, "k", fingerprint));
    assertThat(e).hasMessageThat().contains(PlainStore.class.getName());
    assertThat(e).hasMessageThat().contains("test.Handler#pay");
    assertThat(e).hasMessageThat().contains("request.amount");
    assertThat(store.claimed).isEmpty();
  }
}
