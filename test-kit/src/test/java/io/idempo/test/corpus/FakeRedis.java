package io.idempo.test.corpus;

import io.idempo.test.Row;
import io.idempo.test.StateSource;
import io.idempo.test.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A key-value store with the calls {@code StoreClientAndStreamTest} flags and passes (increment,
 * a list push, a set), and its own {@link StateSource}: the way a test observes a store the kit
 * does not read out of the box.
 */
final class FakeRedis implements StateSource {

  private final Map<String, Object> keys = new TreeMap<>();

  synchronized long increment(String key, long delta) {
    long value = (Long) keys.getOrDefault(key, 0L) + delta;
    keys.put(key, value);
    return value;
  }

  synchronized void rightPush(String key, String value) {
    @SuppressWarnings("unchecked")
    List<String> list = (List<String>) keys.computeIfAbsent(key, k -> new ArrayList<String>());
    list.add(value);
  }

  synchronized void set(String key, String value) {
    keys.put(key, value);
  }

  /** One row per key: {@code {key=…, value=…}}, lists copied. */
  @Override
  public synchronized List<Table> snapshot() {
    List<Row> rows = new ArrayList<>();
    keys.forEach(
        (key, value) -> {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("key", key);
          row.put("value", value instanceof List<?> list ? List.copyOf(list) : value);
          rows.add(Row.of(row));
        });
    return List.of(new Table("redis", List.of("key"), rows));
  }
}
