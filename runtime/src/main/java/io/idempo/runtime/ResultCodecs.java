package io.idempo.runtime;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

/**
 * The built-in {@link ResultCodec}s, and the null-safe wrapper that generated code applies to every
 * codec.
 *
 * <p>Built-in codecs store readable UTF-8 text (a result can be inspected in the table): {@link
 * String}, the primitive boxes, {@link UUID}, {@link BigInteger}, {@link BigDecimal}, enums (by
 * {@link Enum#name()}), and {@code java.time} values (by their ISO-8601 {@code toString()}). {@code
 * byte[]} is stored as is. No codec uses Java serialization.
 */
public final class ResultCodecs {

  private static final Map<Class<?>, ResultCodec<?>> BUILT_IN =
      Map.ofEntries(
          text(String.class, s -> s),
          text(Boolean.class, ResultCodecs::parseBoolean),
          text(Byte.class, Byte::valueOf),
          text(Short.class, Short::valueOf),
          text(Integer.class, Integer::valueOf),
          text(Long.class, Long::valueOf),
          text(Float.class, Float::valueOf),
          text(Double.class, Double::valueOf),
          text(Character.class, ResultCodecs::parseCharacter),
          text(UUID.class, UUID::fromString),
          text(BigInteger.class, BigInteger::new),
          text(BigDecimal.class, BigDecimal::new),
          text(Instant.class, Instant::parse),
          text(LocalDate.class, LocalDate::parse),
          text(LocalDateTime.class, LocalDateTime::parse),
          text(LocalTime.class, LocalTime::parse),
          text(OffsetDateTime.class, OffsetDateTime::parse),
          text(OffsetTime.class, OffsetTime::parse),
          text(ZonedDateTime.class, ZonedDateTime::parse),
          text(Duration.class, Duration::parse),
          text(Period.class, Period::parse),
          text(Year.class, Year::parse),
          text(YearMonth.class, YearMonth::parse),
          text(MonthDay.class, MonthDay::parse),
          text(ZoneId.class, ZoneId::of),
          Map.entry(byte[].class, nullSafe(new ByteArrayCodec())));

  private ResultCodecs() {}

  /**
   * The built-in codec for {@code type}: a primitive box, {@link String}, {@code byte[]}, {@link
   * UUID}, {@link BigInteger}, {@link BigDecimal}, an enum or a {@code java.time} value type. The
   * returned codec is null-safe.
   *
   * @throws IllegalArgumentException if {@code type} has no built-in codec
   */
  public static <T> ResultCodec<T> builtIn(Class<T> type) {
    Objects.requireNonNull(type, "type");
    if (type.isEnum()) {
      return nullSafe(new EnumCodec<>(type));
    }
    @SuppressWarnings("unchecked") // BUILT_IN maps each class to a codec of that class
    ResultCodec<T> codec = (ResultCodec<T>) BUILT_IN.get(type);
    if (codec == null) {
      throw new IllegalArgumentException(
          "no built-in result codec for "
              + type.getName()
              + "; implement io.idempo.runtime.ResultCodec and name it in"
              + " @IdempotentHandler(codec = ...)");
    }
    return codec;
  }

  /** True if {@link #builtIn} has a codec for {@code type}. */
  public static boolean hasBuiltIn(Class<?> type) {
    return type.isEnum() || BUILT_IN.containsKey(type);
  }

  /**
   * Wraps {@code codec} so that a {@code null} result is stored as no bytes and replayed as {@code
   * null}; {@code codec} itself only ever sees non-null values.
   */
  public static <T> ResultCodec<T> nullSafe(ResultCodec<T> codec) {
    Objects.requireNonNull(codec, "codec");
    if (codec instanceof NullSafeCodec) {
      return codec;
    }
    return new NullSafeCodec<>(codec);
  }

  private static <T> Map.Entry<Class<?>, ResultCodec<?>> text(
      Class<T> type, Function<String, T> parse) {
    return Map.entry(type, nullSafe(new TextCodec<>(type, parse)));
  }

  private static Boolean parseBoolean(String text) {
    if (text.equals("true")) {
      return Boolean.TRUE;
    }
    if (text.equals("false")) {
      return Boolean.FALSE;
    }
    throw new IllegalArgumentException("not a boolean: " + text);
  }

  private static Character parseCharacter(String text) {
    if (text.length() != 1) {
      throw new IllegalArgumentException("not a single character: " + text);
    }
    return text.charAt(0);
  }

  private static final class NullSafeCodec<T> implements ResultCodec<T> {
    private final ResultCodec<T> delegate;

    NullSafeCodec(ResultCodec<T> delegate) {
      this.delegate = delegate;
    }

    @Override
    public byte[] encode(T value) {
      return value == null ? null : delegate.encode(value);
    }

    @Override
    public T decode(byte[] bytes) {
      return bytes == null ? null : delegate.decode(bytes);
    }
  }

  private static final class TextCodec<T> implements ResultCodec<T> {
    private final Class<T> type;
    private final Function<String, T> parse;

    TextCodec(Class<T> type, Function<String, T> parse) {
      this.type = type;
      this.parse = parse;
    }

    @Override
    public byte[] encode(T value) {
      return value.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public T decode(byte[] bytes) {
      String text = new String(bytes, StandardCharsets.UTF_8);
      try {
        return parse.apply(text);
      } catch (RuntimeException e) {
        throw new IdempotencyStoreException(
            "stored result is not a valid " + type.getSimpleName() + ": '" + text + "'", e);
      }
    }
  }

  private static final class ByteArrayCodec implements ResultCodec<byte[]> {
    @Override
    public byte[] encode(byte[] value) {
      return value.clone();
    }

    @Override
    public byte[] decode(byte[] bytes) {
      return bytes.clone();
    }
  }

  private static final class EnumCodec<T> implements ResultCodec<T> {
    private final Class<T> type;

    EnumCodec(Class<T> type) {
      this.type = type;
    }

    @Override
    public byte[] encode(T value) {
      return ((Enum<?>) value).name().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public T decode(byte[] bytes) {
      String name = new String(bytes, StandardCharsets.UTF_8);
      for (T constant : type.getEnumConstants()) {
        if (((Enum<?>) constant).name().equals(name)) {
          return constant;
        }
      }
      throw new IdempotencyStoreException(
          "stored result '" + name + "' is not a constant of " + type.getName());
    }
  }
}
