package io.idempo.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ResultCodecsTest {

  enum Status {
    NEW,
    PAID
  }

  private static <T> T roundTrip(Class<T> type, T value) {
    ResultCodec<T> codec = ResultCodecs.builtIn(type);
    return codec.decode(codec.encode(value));
  }

  @Test
  void roundTripsEveryBuiltInFamily() {
    assertThat(roundTrip(String.class, "héllo")).isEqualTo("héllo");
    assertThat(roundTrip(String.class, "")).isEqualTo("");
    assertThat(roundTrip(Integer.class, -42)).isEqualTo(-42);
    assertThat(roundTrip(Long.class, Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
    assertThat(roundTrip(Double.class, 0.1)).isEqualTo(0.1);
    assertThat(roundTrip(Boolean.class, true)).isTrue();
    assertThat(roundTrip(Character.class, 'x')).isEqualTo('x');
    UUID id = UUID.randomUUID();
    assertThat(roundTrip(UUID.class, id)).isEqualTo(id);
    assertThat(roundTrip(BigDecimal.class, new BigDecimal("10.50"))).isEqualTo(new BigDecimal("10.50"));
    assertThat(roundTrip(Status.class, Status.PAID)).isEqualTo(Status.PAID);
    Instant now = Instant.parse("2026-11-27T10:15:30.123456Z");
    assertThat(roundTrip(Instant.class, now)).isEqualTo(now);
    assertThat(roundTrip(LocalDate.class, LocalDate.of(2026, 2, 28))).isEqualTo(LocalDate.of(2026, 2, 28));
    ZonedDateTime zoned = ZonedDateTime.parse("2026-11-27T10:15:30+01:00[Europe/Paris]");
    assertThat(roundTrip(ZonedDateTime.class, zoned)).isEqualTo(zoned);
    assertThat(roundTrip(Duration.class, Duration.ofMillis(1500))).isEqualTo(Duration.ofMillis(1500));
    assertThat(roundTrip(byte[].class, new byte[] {0, -1, 7})).isEqualTo(new byte[] {0, -1, 7});
  }

  @Test
  void storesReadableText() {
    assertThat(new String(ResultCodecs.builtIn(Status.class).encode(Status.NEW), StandardCharsets.UTF_8))
        .isEqualTo("NEW");
  }

  @Test
  void nullIsStoredAsNoBytes() {
    ResultCodec<String> codec = ResultCodecs.builtIn(String.class);
    assertThat(codec.encode(null)).isNull();
    assertThat(codec.decode(null)).isNull();
  }

  @Test
  void userCodecsNeverSeeNull() {
    ResultCodec<Object> strict =
        new ResultCodec<>() {
          @Override
          public byte[] encode(Object value) {
            throw new AssertionError("must not be called");
          }

          @Override
          public Object decode(byte[] bytes) {
            throw new AssertionError("must not be called");
          }
        };
    ResultCodec<Object> safe = ResultCodecs.nullSafe(strict);
    assertThat(safe.encode(null)).isNull();
    assertThat(safe.decode(null)).isNull();
    assertThat(ResultCodecs.nullSafe(safe)).isSameInstanceAs(safe);
  }

  @Test
  void unsupportedTypeNamesTheFix() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ResultCodecs.builtIn(Object.class));
    assertThat(e).hasMessageThat().contains("@IdempotentHandler(codec = ...)");
    assertThat(ResultCodecs.hasBuiltIn(Object.class)).isFalse();
    assertThat(ResultCodecs.hasBuiltIn(Status.class)).isTrue();
  }

  @Test
  void corruptStoredValueIsAClearError() {
    IdempotencyStoreException e =
        assertThrows(
            IdempotencyStoreException.class,
            () -> ResultCodecs.builtIn(Integer.class).decode("abc".getBytes(StandardCharsets.UTF_8)));
    assertThat(e).hasMessageThat().contains("not a valid Integer");
  }
}
