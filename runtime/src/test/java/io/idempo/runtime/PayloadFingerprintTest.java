package io.idempo.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link PayloadFingerprint}: the canonical encoding, pinned by test vectors, and what counts as
 * the same payload.
 *
 * <p>The vectors' digests were computed apart from this class, by a script that writes the bytes
 * the class comment documents and hashes them with Python's {@code hashlib.sha256} (see
 * docs/fingerprints.md). A change to the encoding fails here; it needs a new version byte.
 */
class PayloadFingerprintTest {

  private enum Kind {
    CARD
  }

  private static String hex(PayloadFingerprint.Builder builder) {
    return builder.build().hex();
  }

  @Test
  void anEmptyFingerprintIsTheDigestOfThePrefixAndVersion() {
    assertThat(hex(PayloadFingerprint.builder()))
        .isEqualTo("35ee2e45dbd5cf61ea6e133cff7f1ee36434c11fb071037abd65988cf4c2cbd2");
  }

  @Test
  void testVectorOfAnAmountAndACurrency() {
    assertThat(
            hex(
                PayloadFingerprint.builder()
                    .add("request.amount", new BigDecimal("10.00"))
                    .add("request.currency", "EUR")))
        .isEqualTo("d48edd7f02b9c0813addb6e7f87afab042022375a4e0280cd0916765b996eecb");
  }

  @Test
  void testVectorWithEveryTag() {
    PayloadFingerprint.Builder builder =
        PayloadFingerprint.builder()
            .add("event.id", UUID.fromString("123E4567-E89B-12D3-A456-426614174000"))
            .addSize("event.items", 2)
            .add("event.items[0]", -42L)
            .add("event.items[1]", null)
            .add("event.paid", true)
            .add("event.kind", Kind.CARD)
            .add("event.at", Instant.parse("2026-03-01T12:00:00Z"))
            .add("event.ratio", 0.5d)
            .add("event.initial", 'é')
            .add("event.raw", new byte[] {0, 1, (byte) 0xff});
    assertThat(hex(builder))
        .isEqualTo("727caac19b23c8cde38a7bfa6f63c02feb9e4f2d962639c38f22e6c3fb16a330");
  }

  @Test
  void bigDecimalsOfTheSameAmountAreTheSameWhateverTheirScale() {
    assertThat(of("a", new BigDecimal("10.0"))).isEqualTo(of("a", new BigDecimal("10.00")));
    assertThat(of("a", new BigDecimal("10"))).isEqualTo(of("a", new BigDecimal("1E+1")));
    assertThat(of("a", new BigDecimal("0.00"))).isEqualTo(of("a", BigDecimal.ZERO));
    assertThat(of("a", new BigDecimal("10.01"))).isNotEqualTo(of("a", new BigDecimal("10.1")));
    // The plain form, never an exponent: 1E+3 and 1000 are one amount.
    assertThat(of("a", new BigDecimal("1E+3"))).isEqualTo(of("a", new BigDecimal("1000.000")));
  }

  @Test
  void integersOfEveryWidthEncodeAlike() {
    PayloadFingerprint expected = of("n", 7);
    assertThat(of("n", (byte) 7)).isEqualTo(expected);
    assertThat(of("n", (short) 7)).isEqualTo(expected);
    assertThat(of("n", 7L)).isEqualTo(expected);
    assertThat(of("n", BigInteger.valueOf(7))).isEqualTo(expected);
  }

  @Test
  void theTagKeepsValuesOfDifferentTypesWithTheSameTextApart() {
    PayloadFingerprint text = of("v", "7");
    assertThat(of("v", 7)).isNotEqualTo(text);
    assertThat(of("v", new BigDecimal("7"))).isNotEqualTo(text);
    assertThat(of("v", new BigDecimal("7"))).isNotEqualTo(of("v", 7));
    assertThat(of("v", 7.0d)).isNotEqualTo(of("v", "7.0"));
    assertThat(of("v", '7')).isNotEqualTo(text);
    assertThat(of("v", "true")).isNotEqualTo(of("v", true));
    assertThat(of("v", "CARD")).isNotEqualTo(of("v", Kind.CARD));
    assertThat(of("v", "null")).isNotEqualTo(of("v", null));
    assertThat(of("v", "")).isNotEqualTo(of("v", null));
    assertThat(of("v", new byte[0])).isNotEqualTo(of("v", ""));
    assertThat(of("v", "2026-03-01")).isNotEqualTo(of("v", LocalDate.parse("2026-03-01")));
  }

  @Test
  void aNullLeafIsLeftOut() {
    assertThat(of("a", null)).isEqualTo(PayloadFingerprint.builder().build());
    assertThat(PayloadFingerprint.builder().add("a", 1).add("b", null).add("c", "x").build())
        .isEqualTo(PayloadFingerprint.builder().add("a", 1).add("c", "x").build());
    assertThat(of("a", null)).isNotEqualTo(of("a", ""));
  }

  /**
   * A request type that gains a nullable property: a retry of a request recorded before the
   * change (the new property null) has the fingerprint it had, so it replays instead of being
   * refused as a reused key.
   */
  @Test
  void aPropertyAddedToTheRequestTypeKeepsEarlierFingerprints() {
    PayloadFingerprint before =
        PayloadFingerprint.builder()
            .add("request.amount", new BigDecimal("10.00"))
            .add("request.currency", "EUR")
            .build();
    PayloadFingerprint after =
        PayloadFingerprint.builder()
            .add("request.amount", new BigDecimal("10.00"))
            .add("request.currency", "EUR")
            .add("request.description", null)
            .build();
    assertThat(after).isEqualTo(before);
  }

  @Test
  void thePathIsPartOfTheFingerprint() {
    assertThat(of("request.amount", 5)).isNotEqualTo(of("request.total", 5));
  }

  @Test
  void lengthPrefixesKeepBoundariesBetweenLeaves() {
    PayloadFingerprint ab =
        PayloadFingerprint.builder().add("x", "ab").add("y", "c").build();
    PayloadFingerprint abc =
        PayloadFingerprint.builder().add("x", "a").add("y", "bc").build();
    assertThat(ab).isNotEqualTo(abc);
  }

  @Test
  void collectionsCountTheirSizeAndOrder() {
    PayloadFingerprint oneTwo =
        PayloadFingerprint.builder().addSize("l", 2).add("l[0]", 1).add("l[1]", 2).build();
    PayloadFingerprint twoOne =
        PayloadFingerprint.builder().addSize("l", 2).add("l[0]", 2).add("l[1]", 1).build();
    PayloadFingerprint empty = PayloadFingerprint.builder().addSize("l", 0).build();
    PayloadFingerprint nullList = PayloadFingerprint.builder().add("l", null).build();
    assertThat(oneTwo).isNotEqualTo(twoOne);
    assertThat(empty).isNotEqualTo(nullList);
    assertThat(empty).isNotEqualTo(PayloadFingerprint.builder().build());
    assertThat(PayloadFingerprint.builder().addSize("l", 2).add("l[0]", 1).add("l[1]", 2).build())
        .isEqualTo(oneTwo);
  }

  @Test
  void javaTimeValuesEncodeTheirIsoForm() {
    assertThat(of("t", Duration.ofMinutes(90))).isEqualTo(of("t", Duration.parse("PT1H30M")));
    assertThat(of("t", Instant.parse("2026-03-01T12:00:00Z")))
        .isNotEqualTo(of("t", Instant.parse("2026-03-01T12:00:00.001Z")));
  }

  @Test
  void uuidsAreLowerCase() {
    UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
    assertThat(of("id", id))
        .isEqualTo(of("id", UUID.fromString(id.toString().toUpperCase(Locale.ROOT))));
    assertThat(of("id", id)).isNotEqualTo(of("id", id.toString()));
  }

  @Test
  void anUnsupportedTypeIsRefusedNamingThePath() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PayloadFingerprint.builder().add("event.customer", new Object()));
    assertThat(e).hasMessageThat().contains("event.customer");
    assertThat(e).hasMessageThat().contains("java.lang.Object");
  }

  @Test
  void ofDigestRoundTripsAndRefusesOtherLengths() {
    PayloadFingerprint fingerprint = of("a", "b");
    byte[] digest = fingerprint.digest();
    assertThat(digest).hasLength(PayloadFingerprint.LENGTH);
    assertThat(PayloadFingerprint.ofDigest(digest)).isEqualTo(fingerprint);
    assertThat(PayloadFingerprint.ofDigest(digest).hashCode()).isEqualTo(fingerprint.hashCode());
    digest[0] ^= 1;
    assertThat(fingerprint.digest()[0]).isNotEqualTo(digest[0]); // digest() is a copy
    assertThrows(IllegalArgumentException.class, () -> PayloadFingerprint.ofDigest(new byte[31]));
  }

  @Test
  void toStringShowsTheFirstTwelveHexDigits() {
    PayloadFingerprint fingerprint = PayloadFingerprint.builder().build();
    assertThat(fingerprint.toString()).isEqualTo("sha256:35ee2e45dbd5");
    assertThat(fingerprint.hex()).hasLength(64);
  }

  private static PayloadFingerprint of(String path, Object value) {
    return PayloadFingerprint.builder().add(path, value).build();
  }
}
