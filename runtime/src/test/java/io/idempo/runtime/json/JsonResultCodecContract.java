package io.idempo.runtime.json;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.idempo.runtime.IdempotencyException;
import io.idempo.runtime.IdempotencyStoreException;
import io.idempo.runtime.ResultCodec;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every JSON result codec promises, whichever Jackson it uses: records, generic types and
 * {@code java.time} values round-trip, null stays null, and nothing in stored bytes can choose
 * the class that decoding creates.
 */
abstract class JsonResultCodecContract {

  /** The codec under test for {@code type}. */
  abstract <T> ResultCodec<T> codec(JsonResultType<T> type);

  /** The codec under test for a class without type arguments. */
  abstract <T> ResultCodec<T> codec(Class<T> type);

  record Line(String sku, int quantity) {}

  record Receipt(
      UUID id,
      BigDecimal amount,
      Instant capturedAt,
      LocalDate bookedOn,
      OffsetDateTime offsetTime,
      ZonedDateTime zonedTime,
      Duration took,
      Optional<String> note,
      List<Line> lines,
      Map<String, Integer> counts) {}

  static Receipt receipt(String note) {
    return new Receipt(
        UUID.fromString("0b7a3a4e-6c1f-4c38-9d7e-3f1b2a9c8d01"),
        new BigDecimal("12.30"),
        Instant.parse("2026-12-03T08:15:30.123456789Z"),
        LocalDate.of(2026, 12, 3),
        OffsetDateTime.of(2026, 12, 3, 9, 15, 30, 0, ZoneOffset.ofHours(1)),
        ZonedDateTime.of(2026, 12, 3, 9, 15, 30, 0, ZoneId.of("Europe/Paris")),
        Duration.ofMinutes(90),
        Optional.ofNullable(note),
        List.of(new Line("apple", 2), new Line("pear", 1)),
        Map.of("apple", 2));
  }

  private static <T> T roundTrip(ResultCodec<T> codec, T value) {
    return codec.decode(codec.encode(value));
  }

  @Test
  void recordWithJavaTimeValuesRoundTrips() {
    ResultCodec<Receipt> codec = codec(Receipt.class);

    assertThat(roundTrip(codec, receipt("gift"))).isEqualTo(receipt("gift"));
    assertThat(roundTrip(codec, receipt(null))).isEqualTo(receipt(null));
  }

  @Test
  void storesReadableJson() {
    String json =
        new String(codec(Line.class).encode(new Line("apple", 2)), StandardCharsets.UTF_8);

    assertThat(json).isEqualTo("{\"sku\":\"apple\",\"quantity\":2}");
  }

  @Test
  void genericTypesRoundTripWithTheirTypeArguments() {
    ResultCodec<List<Receipt>> list = codec(new JsonResultType<List<Receipt>>() {});
    ResultCodec<Map<String, Receipt>> map = codec(new JsonResultType<Map<String, Receipt>>() {});
    ResultCodec<Optional<Line>> optional = codec(new JsonResultType<Optional<Line>>() {});
    ResultCodec<Line[]> array = codec(Line[].class);

    List<Receipt> receipts = roundTrip(list, List.of(receipt("a"), receipt("b")));
    Map<String, Receipt> byId = roundTrip(map, Map.of("a", receipt("a")));

    assertThat(receipts).containsExactly(receipt("a"), receipt("b")).inOrder();
    assertThat(receipts.get(0)).isInstanceOf(Receipt.class);
    assertThat(byId).containsExactly("a", receipt("a"));
    assertThat(roundTrip(optional, Optional.of(new Line("fig", 3))))
        .hasValue(new Line("fig", 3));
    assertThat(roundTrip(optional, Optional.empty())).isEmpty();
    assertThat(roundTrip(array, new Line[] {new Line("fig", 3)}))
        .asList()
        .containsExactly(new Line("fig", 3));
  }

  @Test
  void nullIsStoredAsNoBytesAndReplayedAsNull() {
    ResultCodec<Receipt> codec = codec(Receipt.class);

    assertThat(codec.encode(null)).isNull();
    assertThat(codec.decode(null)).isNull();
  }

  @Test
  void malformedBytesThrowAStoreExceptionNamingTheType() {
    ResultCodec<List<Receipt>> codec = codec(new JsonResultType<List<Receipt>>() {});

    IdempotencyStoreException e =
        assertThrows(
            IdempotencyStoreException.class,
            () -> codec.decode("{not json".getBytes(StandardCharsets.UTF_8)));

    assertThat(e)
        .hasMessageThat()
        .startsWith(
            "the stored result is not valid JSON for result type java.util.List<"
                + Receipt.class.getName()
                + ">: ");
  }

  @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
  interface ByClassName {}

  record Circle(double radius) implements ByClassName, ByName {}

  record Drawing(String title, ByClassName shape) {}

  record Anything(@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Object value) {}

  @Test
  void resultTypeWithClassNameTypeIdsIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> codec(ByClassName.class));

    assertThat(e)
        .hasMessageThat()
        .contains(
            "result type "
                + ByClassName.class.getName()
                + " asks Jackson for polymorphic typing by class name");
    assertThat(e).hasMessageThat().contains("Use @JsonTypeInfo(use = NAME) with @JsonSubTypes");
  }

  @Test
  void classNameTypeIdsInsideTheResultAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> codec(Drawing.class));
    assertThrows(IllegalArgumentException.class, () -> codec(Anything.class));
    assertThrows(
        IllegalArgumentException.class, () -> codec(new JsonResultType<List<ByClassName>>() {}));
  }

  @Test
  void classNamesInStoredBytesAreNeverInstantiated() {
    ResultCodec<Map<String, Object>> codec = codec(new JsonResultType<Map<String, Object>>() {});
    byte[] gadget =
        "{\"a\":[\"java.util.concurrent.atomic.AtomicLong\",5]}".getBytes(StandardCharsets.UTF_8);

    Map<String, Object> decoded = codec.decode(gadget);

    assertThat(decoded.get("a")).isEqualTo(List.of("java.util.concurrent.atomic.AtomicLong", 5));
  }

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
  @JsonSubTypes({@JsonSubTypes.Type(value = Circle.class, name = "circle")})
  interface ByName {}

  @Test
  void namedSubtypesRoundTrip() {
    ResultCodec<ByName> codec = codec(ByName.class);

    assertThat(roundTrip(codec, new Circle(2.5))).isEqualTo(new Circle(2.5));
  }

  @Test
  void unknownPropertiesOfAnOlderResultAreIgnored() {
    byte[] older =
        "{\"sku\":\"apple\",\"quantity\":2,\"colour\":\"red\"}".getBytes(StandardCharsets.UTF_8);

    assertThat(codec(Line.class).decode(older)).isEqualTo(new Line("apple", 2));
  }

  /** A class with nothing for Jackson to write. */
  static final class Opaque {}

  @Test
  void resultThatCannotBeWrittenThrowsNamingTheType() {
    ResultCodec<Opaque> codec = codec(Opaque.class);

    IdempotencyException e =
        assertThrows(IdempotencyException.class, () -> codec.encode(new Opaque()));

    assertThat(e)
        .hasMessageThat()
        .startsWith(
            "the result of type " + Opaque.class.getName() + " cannot be written as JSON: ");
  }
}
