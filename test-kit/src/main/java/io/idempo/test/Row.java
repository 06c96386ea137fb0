package io.idempo.test;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One row of a {@link Table}: column names to values, in column order. Immutable; values may be
 * null. Two rows are equal when they hold equal values under the same column names. Byte arrays
 * become {@link Bytes}, other arrays lists, so that equality compares contents.
 */
public final class Row {

  private final Map<String, Object> values;

  private Row(Map<String, Object> values) {
    this.values = values;
  }

  /** A row of {@code values} (copied; arrays become comparable values). */
  public static Row of(Map<String, ?> values) {
    Map<String, Object> copy = new LinkedHashMap<>();
    values.forEach((column, value) -> copy.put(Objects.requireNonNull(column, "column"), normalize(value)));
    return new Row(Collections.unmodifiableMap(copy));
  }

  /** A row of one column. */
  public static Row of(String column, Object value) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put(column, value);
    return of(values);
  }

  /** The columns and their values, in column order; unmodifiable. */
  public Map<String, Object> values() {
    return values;
  }

  /** The value of {@code column}, or null. */
  public Object get(String column) {
    return values.get(column);
  }

  /** This row with only {@code columns}, in that order. */
  Row project(List<String> columns) {
    Map<String, Object> projected = new LinkedHashMap<>();
    for (String column : columns) {
      projected.put(column, values.get(column));
    }
    return new Row(Collections.unmodifiableMap(projected));
  }

  /** The columns whose values differ from {@code other}'s, in this row's column order. */
  List<String> changedColumns(Row other) {
    List<String> changed = new ArrayList<>();
    for (Map.Entry<String, Object> entry : values.entrySet()) {
      if (!Objects.equals(entry.getValue(), other.values.get(entry.getKey()))) {
        changed.add(entry.getKey());
      }
    }
    for (String column : other.values.keySet()) {
      if (!values.containsKey(column)) {
        changed.add(column);
      }
    }
    return changed;
  }

  static Object normalize(Object value) {
    if (value instanceof byte[] bytes) {
      return new Bytes(bytes);
    }
    if (value != null && value.getClass().isArray()) {
      int length = Array.getLength(value);
      List<Object> list = new ArrayList<>(length);
      for (int i = 0; i < length; i++) {
        list.add(normalize(Array.get(value, i)));
      }
      return Collections.unmodifiableList(list);
    }
    return value;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Row that && values.equals(that.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /** {@code {payment_id=p-1, amount_cents=1000}}. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("{");
    for (Map.Entry<String, Object> entry : values.entrySet()) {
      if (text.length() > 1) {
        text.append(", ");
      }
      text.append(entry.getKey()).append('=').append(Values.show(entry.getValue()));
    }
    return text.append('}').toString();
  }
}
