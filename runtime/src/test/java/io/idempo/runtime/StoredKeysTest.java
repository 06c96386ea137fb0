package io.idempo.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StoredKeysTest {
  private static final HandlerDescriptor HANDLER =
      HandlerDescriptor.builder("com.acme.Payments#capture").keyPath("event.paymentId").build();

  @Test
  void shortKeysAreStoredAsIs() {
    assertThat(StoredKeys.storedKey(HANDLER, "pay-1")).isEqualTo("pay-1");
    String longest = "a".repeat(StoredKeys.MAX_LENGTH);
    assertThat(StoredKeys.storedKey(HANDLER, longest)).isEqualTo(longest);
  }

  @Test
  void longKeysBecomeTheSha256OfTheirUtf8Bytes() {
    // sha256("a" * 256), computed independently with `printf 'a%.0s' {1..256} | sha256sum`.
    assertThat(StoredKeys.storedKey(HANDLER, "a".repeat(256)))
        .isEqualTo("sha256:02d7160d77e18c6447be80c2e355c7ed4388545271702c50253b0914c65ce5fe");
  }

  @Test
  void nulCharactersAreDigested() {
    assertThat(StoredKeys.storedKey(HANDLER, "a\0b")).startsWith(StoredKeys.DIGEST_PREFIX);
  }

  @Test
  void badKeysNameTheHandlerAndKeyPath() {
    IdempotencyKeyException blank =
        assertThrows(IdempotencyKeyException.class, () -> StoredKeys.storedKey(HANDLER, " "));
    assertThat(blank).hasMessageThat().contains("com.acme.Payments#capture");
    assertThat(blank).hasMessageThat().contains("event.paymentId");
    IdempotencyKeyException surrogate =
        assertThrows(IdempotencyKeyException.class, () -> StoredKeys.storedKey(HANDLER, "x\uDC00"));
    assertThat(surrogate).hasMessageThat().contains("event.paymentId");
  }

  @Test
  void overlongHandlerNamesAreRefused() {
    HandlerDescriptor handler = HandlerDescriptor.builder("h".repeat(256)).build();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> StoredKeys.storedKey(handler, "k"));
    assertThat(e).hasMessageThat().contains("@IdempotentHandler(name = ...)");
  }
}
