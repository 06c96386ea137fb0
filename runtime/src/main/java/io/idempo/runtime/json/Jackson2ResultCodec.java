package io.idempo.runtime.json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.idempo.runtime.ResultCodec;
import io.idempo.runtime.ResultCodecs;
import java.io.IOException;

/**
 * Stores a handler's result as JSON with Jackson 2 ({@code com.fasterxml.jackson.core:
 * jackson-databind} 2.12 or later, with {@code jackson-datatype-jsr310} and {@code
 * jackson-datatype-jdk8}). The processor chooses it for a result type without a built-in codec when
 * these three are on the compile classpath and Jackson 3 is not (then {@link Jackson3ResultCodec}
 * is chosen).
 *
 * <p>It stores and refuses exactly what {@link Jackson3ResultCodec} does, with a mapper of its own
 * configured to match Jackson 3's defaults: {@code java.time} values as ISO-8601 text with their
 * offsets and zone ids, {@code Optional} by the jdk8 module, unknown properties ignored, no default
 * typing, and no class names read from JSON. The codec is null-safe (see {@link
 * ResultCodecs#nullSafe}).
 *
 * @param <T> the result type
 */
public final class Jackson2ResultCodec<T> implements ResultCodec<T> {

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .addModule(new Jdk8Module())
          .polymorphicTypeValidator(new NoClassNames())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .enable(SerializationFeature.WRITE_DATES_WITH_ZONE_ID)
          .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private final JsonResultType<T> type;
  private final ObjectReader reader;
  private final ObjectWriter writer;

  private Jackson2ResultCodec(JsonResultType<T> type) {
    this.type = type;
    JavaType javaType = MAPPER.constructType(type.type());
    this.writer = MAPPER.writerFor(javaType);
    ObjectReader reader;
    try {
      reader = MAPPER.readerFor(javaType);
      // Reading a JSON null builds the deserializers of the whole type now, so a type the
      // validator refuses fails here, when the wrapper class is initialized, not at a replay.
      reader.readValue(JsonFailures.NULL);
    } catch (IOException | RuntimeException e) {
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
    return ResultCodecs.nullSafe(new Jackson2ResultCodec<>(type));
  }

  @Override
  public byte[] encode(T value) {
    try {
      return writer.writeValueAsBytes(value);
    } catch (IOException e) {
      throw JsonFailures.encode(type, e);
    }
  }

  @Override
  public T decode(byte[] bytes) {
    try {
      return reader.readValue(bytes);
    } catch (IOException | RuntimeException e) {
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
    public Validity validateBaseType(MapperConfig<?> config, JavaType baseType) {
      throw new JsonFailures.ClassNameRefused(baseType.toString());
    }

    @Override
    public Validity validateSubClassName(
        MapperConfig<?> config, JavaType baseType, String subClassName) {
      return Validity.DENIED;
    }

    @Override
    public Validity validateSubType(MapperConfig<?> config, JavaType baseType, JavaType subType) {
      return Validity.DENIED;
    }
  }
}
