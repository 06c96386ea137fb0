package io.idempo.test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/** In-memory objects as state: a value compared by {@code equals}, or an object's fields one by one. */
public final class ObjectState {

  private ObjectState() {}

  /**
   * What {@code value} returns, compared by {@code equals}, as table {@code name} with one column
   * {@code value}. The supplier must return a copy or an immutable value ({@code () ->
   * List.copyOf(sent)}, {@code account::balance}), not an object the handler goes on changing.
   */
  public static StateSource value(String name, Supplier<?> value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    return () -> List.of(Table.of(name, List.of(Row.of("value", copy(value.get())))));
  }

  /**
   * The fields of {@code target} (its class's and its superclasses', static ones excepted), read
   * reflectively at each snapshot, as table {@code name} with one column per field. Collections
   * and maps are copied, atomics and adders read, so a counter, a balance or a list a handler
   * appends to shows as the field that changed.
   */
  public static StateSource fields(String name, Object target) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(target, "target");
    List<Field> fields = new ArrayList<>();
    for (Class<?> type = target.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (!Modifier.isStatic(field.getModifiers()) && !field.isSynthetic()) {
          field.setAccessible(true);
          fields.add(field);
        }
      }
    }
    return () -> {
      Map<String, Object> values = new LinkedHashMap<>();
      for (Field field : fields) {
        values.put(field.getName(), copy(field.get(target)));
      }
      return List.of(Table.of(name, List.of(Row.of(values))));
    };
  }

  /** A value that later changes to the original cannot change. */
  static Object copy(Object value) {
    if (value instanceof Map<?, ?> map) {
      return new LinkedHashMap<>(map);
    }
    if (value instanceof List<?> || value instanceof java.util.Queue<?>) {
      return new ArrayList<>((Collection<?>) value);
    }
    if (value instanceof java.util.Set<?> set) {
      return new java.util.HashSet<>(set);
    }
    if (value instanceof AtomicInteger atomic) {
      return atomic.get();
    }
    if (value instanceof AtomicLong atomic) {
      return atomic.get();
    }
    if (value instanceof AtomicBoolean atomic) {
      return atomic.get();
    }
    if (value instanceof AtomicReference<?> atomic) {
      return copy(atomic.get());
    }
    if (value instanceof LongAdder adder) {
      return adder.sum();
    }
    if (value instanceof DoubleAdder adder) {
      return adder.sum();
    }
    return Row.normalize(value);
  }
}
