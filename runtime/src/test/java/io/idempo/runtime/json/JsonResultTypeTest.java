package io.idempo.runtime.json;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.ParameterizedType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a {@link JsonResultType} captures, and the uses it refuses. */
class JsonResultTypeTest {

  @Test
  void anonymousSubclassCapturesTheTypeArguments() {
    JsonResultType<Map<String, List<Integer>>> type =
        new JsonResultType<Map<String, List<Integer>>>() {};

    assertThat(type.type()).isInstanceOf(ParameterizedType.class);
    assertThat(type.toString())
        .isEqualTo("java.util.Map<java.lang.String, java.util.List<java.lang.Integer>>");
    assertThat(type).isEqualTo(new JsonResultType<Map<String, List<Integer>>>() {});
    assertThat(type.type()).isNotEqualTo(new JsonResultType<Map<String, List<Long>>>() {}.type());
  }

  @Test
  void aClassIsItsOwnType() {
    assertThat(JsonResultType.of(String.class).type()).isEqualTo(String.class);
    assertThat(JsonResultType.of(String.class)).isEqualTo(new JsonResultType<String>() {});
  }

  @Test
  void typeVariablesAreRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, JsonResultTypeTest::listOf);

    assertThat(e).hasMessageThat().contains("java.util.List<T> mentions a type variable");
  }

  private static <T> JsonResultType<List<T>> listOf() {
    return new JsonResultType<List<T>>() {};
  }

  /** A subclass that would hide the type argument. */
  static class Indirect<T> extends JsonResultType<T> {}

  @Test
  void onlyDirectAnonymousSubclassesAreAccepted() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> new Indirect<String>() {});

    assertThat(e).hasMessageThat().contains("new JsonResultType<List<Receipt>>() {}");
  }
}
