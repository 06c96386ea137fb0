package io.idempo.runtime.json;

import io.idempo.runtime.ResultCodec;
import io.idempo.runtime.ResultCodecs;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.PolymorphicTypeValidator;

/**
 * Stores a handler's result as JSON with Jackson 3 ({@code tools.jackson.core:jackson-databind}).
 * The processor chooses it for a result type without a built-in codec when Jackson 3 is on the
 * compile classpath: {@code Jackson3ResultCodec.of(Receipt.class)}, or {@code
 * Jackson3ResultCodec.of(new JsonResultType<List<Receipt>>() {})} for a generic type.
 *
 * <p>It uses a mapper of its own, not the application's, so that nothing configured elsewhere
 * changes what is stored or what may be read back: no default typing, and a {@link
 * PolymorphicTypeValidator} that allows no class at all, so a result type that asks for class names
 * in the JSON ({@code @JsonTypeInfo(use = CLASS)}) is refused when the codec is created, and
 * decoding never instantiates a class that the result type does not declare. Type ids by name
 * ({@code @JsonTypeInfo(use = NAME)} with {@code @JsonSubTypes}) name a closed set and work.
 * Records, {@code java.time} values (as ISO-8601 text, offsets and zone ids kept) and {@code
 * Optional} round-trip; unknown properties are ignored, so a result stored before a field was
 * removed still replays; a class without properties fails to encode rather than replaying empty. The codec is null-safe (see {@link ResultCodecs#nullSafe}).
 *
 * @param <T> the result type
 */
public final class Jackson3ResultCodec<T> implements ResultCodec<T> {

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .polymorphicTypeValidator(new NoClassNames())
          .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DateTimeFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .enable(DateTimeFeature.WRITE_DATES_WITH_ZONE_ID)
          .disable(DateTimeFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          // A class with no properties would be stored as {} and replayed as a new, empty
          // instance; fail instead, as Jackson 2 does.
          .enable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .build();

  private final JsonResultType<T> type;
  private final ObjectReader reader;
  private final ObjectWriter writer;

  private Jackson3ResultCodec(JsonResultType<T> type) {
    this.type = type;
    JavaType javaType = MAPPER.constructType(type.type());
    this.writer = MAPPER.writerFor(javaType);
    ObjectReader reader;
    try {
      reader = MAPPER.readerFor(javaType);
      // Reading a JSON null builds the deserializers of the whole type now, so a type the
      // validator refuses fails here, when the wrapper class is initialized, not at a replay.
      reader.readValue(JsonFailures.NULL);
    } catch (RuntimeException e) {
      throw JsonFailures.creation(type, e);
    }
    this.reader = reader;
  }

  /** The null-safe JSON codec of a result class without type arguments. */
  public static <T> ResultCodec<T> of(Class<T> type) {
    return of(JsonResultType.of(type));
  }

  /** The null-safe JSON codec of a result type, type arguments included. */
  public static <T> ResultCodec<T> of(JsonResultType<T> type) {
    return ResultCodecs.nullSafe(new Jackson3ResultCodec<>(type));
  }

  @Override
  public byte[] encode(T value) {
    try {
      return writer.writeValueAsBytes(value);
    } catch (JacksonException e) {
      throw JsonFailures.encode(type, e);
    }
  }

  @Override
  public T decode(byte[] bytes) {
    try {
      return reader.readValue(bytes);
    } catch (RuntimeException e) {
      throw JsonFailures.decode(type, e);
    }
  }

  /**
   * Allows no class to be named in JSON. Jackson asks it only for class-name type ids
   * ({@code use = CLASS} or {@code MINIMAL_CLASS}, or default typing, which is off).
   */
  private static final class NoClassNames extends PolymorphicTypeValidator {
    private static final long serialVersionUID = 1L;

    @Override
    public Validity validateBaseType(DatabindContext context, JavaType baseType) {
      throw new JsonFailures.ClassNameRefused(baseType.toString());
    }

    @Override
    public Validity validateSubClassName(
        DatabindContext context, JavaType baseType, String subClassName) {
      return Validity.DENIED;
    }

    @Override
    public Validity validateSubType(DatabindContext context, JavaType baseType, JavaType subType) {
      return Validity.DENIED;
    }
  }
}
