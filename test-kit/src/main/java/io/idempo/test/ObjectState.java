package io.idempo.test;

import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/** In-memory objects as state: a value compared by {@code equals}, or an object's fields one by one. */
public final class ObjectState {

  private ObjectState() {}

  /**
   * What {@code value} returns, as table {@code name} with one column {@code value}: copied deeply
   * at each snapshot (see {@link #fields}), so it may return an object the handler goes on
   * changing ({@code () -> sent}, {@code account::balance}).
   */
  public static StateSource value(String name, Supplier<?> value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    return () -> List.of(Table.of(name, List.of(Row.of("value", copy(value.get())))));
  }

  /**
   * The fields of {@code target} (its class's and its superclasses', static ones excepted), read
   * reflectively at each snapshot, as table {@code name} with one column per field. Each value is
   * copied deeply: objects of the application's classes become their fields ({@code
   * Wallet{balance=1000, status=NEW}}), collections and maps are copied element by element, arrays
   * become lists, atomics and adders their values; JDK values (strings, numbers, dates, enums) are
   * compared by {@code equals}. So a counter, a balance, an entity in a repository map or a list a
   * handler appends to shows as the field that changed.
   */
  public static StateSource fields(String name, Object target) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(target, "target");
    List<Field> fields = ObjectGraph.fields(target.getClass());
    for (Field field : fields) {
      field.setAccessible(true);
    }
    return () -> {
      Map<String, Object> values = new LinkedHashMap<>();
      for (Field field : fields) {
        values.put(field.getName(), copy(field.get(target)));
      }
      return List.of(Table.of(name, List.of(Row.of(values))));
    };
  }

  /** A deep copy of {@code value} that later changes to the original cannot change. */
  static Object copy(Object value) {
    return ObjectGraph.copy(value);
  }
}
