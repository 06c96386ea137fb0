package io.idempo.processor;

import com.palantir.javapoet.ClassName;
import java.util.Set;

/**
 * Everything the processor knows about types it does not depend on: the runtime API that generated
 * code calls (referred to by name, so the processor has no runtime dependency), and the types that
 * have a stable key form or a built-in result codec. Keep these lists in step with {@code
 * io.idempo.runtime.ResultCodecs} and the Javadoc of {@code io.idempo.IdempotentHandler}.
 */
final class KnownTypes {

  static final String HANDLER_ANNOTATION = "io.idempo.IdempotentHandler";
  static final String KEY_ANNOTATION = "io.idempo.IdempotencyKey";

  private static final String RUNTIME = "io.idempo.runtime";
  static final ClassName IDEMPOTENCY_STORE = ClassName.get(RUNTIME, "IdempotencyStore");
  static final ClassName CLAIM = ClassName.get(RUNTIME, "Claim");
  static final ClassName BATCH_CLAIM = ClassName.get(RUNTIME, "BatchClaim");
  static final ClassName HANDLER_DESCRIPTOR = ClassName.get(RUNTIME, "HandlerDescriptor");
  static final ClassName RESULT_CODEC = ClassName.get(RUNTIME, "ResultCodec");
  static final ClassName RESULT_CODECS = ClassName.get(RUNTIME, "ResultCodecs");
  static final ClassName KEY_EXCEPTION = ClassName.get(RUNTIME, "IdempotencyKeyException");
  static final ClassName REPLAYED_RESULTS = ClassName.get(RUNTIME, "ReplayedResults");
  static final ClassName PAYLOAD_FINGERPRINT = ClassName.get(RUNTIME, "PayloadFingerprint");
  static final ClassName PAYLOAD_FINGERPRINT_BUILDER = PAYLOAD_FINGERPRINT.nestedClass("Builder");
  static final ClassName KEY_REUSE_EXCEPTION =
      ClassName.get(RUNTIME, "IdempotencyKeyReuseException");
  static final String RESULT_CODEC_NAME = RESULT_CODEC.canonicalName();
  static final ClassName JACKSON3_CODEC = ClassName.get(RUNTIME + ".json", "Jackson3ResultCodec");
  static final ClassName JACKSON2_CODEC = ClassName.get(RUNTIME + ".json", "Jackson2ResultCodec");
  static final ClassName JSON_RESULT_TYPE = ClassName.get(RUNTIME + ".json", "JsonResultType");

  /** Jackson 3's mapper: its presence selects {@code Jackson3ResultCodec}. */
  static final String JACKSON3_MAPPER = "tools.jackson.databind.json.JsonMapper";

  /** Jackson 2's mapper and the two modules {@code Jackson2ResultCodec} registers. */
  static final String JACKSON2_MAPPER = "com.fasterxml.jackson.databind.json.JsonMapper";

  static final String JACKSON2_JAVA_TIME = "com.fasterxml.jackson.datatype.jsr310.JavaTimeModule";
  static final String JACKSON2_JDK8 = "com.fasterxml.jackson.datatype.jdk8.Jdk8Module";
  /** Spring's {@code ResponseEntity}: a handler returning it is an HTTP endpoint (docs/http.md). */
  static final String RESPONSE_ENTITY = "org.springframework.http.ResponseEntity";

  /**
   * Spring's {@code @RequestBody}: a handler method with such a parameter and no fingerprint would
   * answer a reused key with another body with the first response, so the processor warns.
   */
  static final String REQUEST_BODY = "org.springframework.web.bind.annotation.RequestBody";

  /** The starter's codec of {@code ResponseEntity}, chosen when it is on the class path. */
  static final ClassName RESPONSE_ENTITY_CODEC =
      ClassName.get("io.idempo.spring.web", "ResponseEntityCodec");

  static final ClassName MODE = ClassName.get("io.idempo", "IdempotentHandler", "Mode");

  static final String GENERATED_ANNOTATION = "javax.annotation.processing.Generated";

  /** The {@code java.time} types whose {@code toString()} is their ISO-8601 form. */
  private static final Set<String> TIME_TYPES =
      Set.of(
          "java.time.Instant",
          "java.time.LocalDate",
          "java.time.LocalDateTime",
          "java.time.LocalTime",
          "java.time.OffsetDateTime",
          "java.time.OffsetTime",
          "java.time.ZonedDateTime",
          "java.time.Duration",
          "java.time.Period",
          "java.time.Year",
          "java.time.YearMonth",
          "java.time.MonthDay",
          "java.time.ZoneId");

  /**
   * The one key type that {@code io.idempo.runtime.PayloadFingerprint} cannot encode: a region
   * zone id is neither a {@code TemporalAccessor} nor a {@code TemporalAmount}. A fingerprint
   * reads its {@code id} instead.
   */
  static final String ZONE_ID = "java.time.ZoneId";

  /** Reference types (besides enums) with a stable {@code toString()}, usable as a key. */
  private static final Set<String> KEY_TYPES =
      union(
          TIME_TYPES,
          Set.of(
              "java.lang.String",
              "java.lang.Boolean",
              "java.lang.Byte",
              "java.lang.Short",
              "java.lang.Integer",
              "java.lang.Long",
              "java.lang.Float",
              "java.lang.Double",
              "java.lang.Character",
              "java.util.UUID",
              "java.math.BigInteger",
              "java.math.BigDecimal",
              "java.time.ZoneOffset"));

  /**
   * Reference types (besides enums) that {@code ResultCodecs.builtIn} knows, by exact class. {@code
   * byte[]} is handled separately.
   */
  private static final Set<String> CODEC_TYPES =
      union(
          TIME_TYPES,
          Set.of(
              "java.lang.String",
              "java.lang.Boolean",
              "java.lang.Byte",
              "java.lang.Short",
              "java.lang.Integer",
              "java.lang.Long",
              "java.lang.Float",
              "java.lang.Double",
              "java.lang.Character",
              "java.util.UUID",
              "java.math.BigInteger",
              "java.math.BigDecimal"));

  /** A readable list of the allowed key types, for error messages. */
  static final String KEY_TYPES_DESCRIPTION =
      "String (or another CharSequence), a primitive or its box, UUID, an enum, BigInteger,"
          + " BigDecimal or a java.time value such as Instant or LocalDate";

  /** A readable list of the types with a built-in codec, for error messages. */
  static final String CODEC_TYPES_DESCRIPTION =
      "String, a primitive or its box, byte[], UUID, an enum, BigInteger, BigDecimal or a"
          + " java.time value such as Instant or LocalDate";

  private KnownTypes() {}

  /** True if a value of the class {@code qualifiedName} has a stable string form. */
  static boolean isKeyType(String qualifiedName) {
    return KEY_TYPES.contains(qualifiedName);
  }

  /** True if {@code ResultCodecs.builtIn} has a codec for the class {@code qualifiedName}. */
  static boolean hasBuiltInCodec(String qualifiedName) {
    return CODEC_TYPES.contains(qualifiedName);
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    java.util.Set<String> all = new java.util.HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }
}
