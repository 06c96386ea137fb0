package io.idempo.processor;

import com.palantir.javapoet.ClassName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.util.Elements;

/**
 * Which JSON result codec the compile classpath allows for result types without a built-in codec:
 * Jackson 3's if Jackson 3 is there, else Jackson 2's if Jackson 2 and the two modules its codec
 * registers are there, else none, with what to add to the build.
 *
 * @param codec the runtime codec class whose {@code of(...)} the wrapper calls, or empty
 * @param howToEnable when {@code codec} is empty, the fix that would give one, for error messages
 */
record JsonSupport(Optional<ClassName> codec, String howToEnable) {

  /** Looks the libraries up once per compilation; the classpath does not change between rounds. */
  static JsonSupport detect(Elements elements) {
    boolean jackson3 = exists(elements, KnownTypes.JACKSON3_MAPPER);
    boolean jackson2 = exists(elements, KnownTypes.JACKSON2_MAPPER);
    if (jackson3 || jackson2) {
      ClassName codec = jackson3 ? KnownTypes.JACKSON3_CODEC : KnownTypes.JACKSON2_CODEC;
      if (!exists(elements, codec.canonicalName())) {
        return none(
            "Jackson is on the classpath, but idempo-runtime has no "
                + codec.simpleName()
                + ": use the idempo-runtime of the processor's version to store it as JSON");
      }
    }
    if (jackson3) {
      return new JsonSupport(Optional.of(KnownTypes.JACKSON3_CODEC), "");
    }
    if (jackson2) {
      List<String> missing = new ArrayList<>();
      if (!exists(elements, KnownTypes.JACKSON2_JAVA_TIME)) {
        missing.add("com.fasterxml.jackson.datatype:jackson-datatype-jsr310");
      }
      if (!exists(elements, KnownTypes.JACKSON2_JDK8)) {
        missing.add("com.fasterxml.jackson.datatype:jackson-datatype-jdk8");
      }
      if (missing.isEmpty()) {
        return new JsonSupport(Optional.of(KnownTypes.JACKSON2_CODEC), "");
      }
      return none(
          "Jackson 2 is on the classpath, but storing results as JSON with it also takes "
              + String.join(" and ", missing)
              + " (for java.time and Optional values); add "
              + (missing.size() == 1 ? "it" : "them")
              + ", or Jackson 3 (tools.jackson.core:jackson-databind)");
    }
    return none(
        "add Jackson to the build (tools.jackson.core:jackson-databind; or Jackson 2,"
            + " com.fasterxml.jackson.core:jackson-databind with jackson-datatype-jsr310 and"
            + " jackson-datatype-jdk8) to store it as JSON");
  }

  private static JsonSupport none(String howToEnable) {
    return new JsonSupport(Optional.empty(), howToEnable);
  }

  private static boolean exists(Elements elements, String canonicalName) {
    return elements.getTypeElement(canonicalName) != null;
  }
}
