package io.idempo.checker;

import com.google.errorprone.CompilationTestHelper;
import org.junit.jupiter.api.Test;

/** Store clients (Redis, MongoDB), stream pipelines and method references. */
class StoreClientAndStreamTest {

  private final CompilationTestHelper helper =
      Sources.helper(getClass())
          .addSourceLines(
              "ValueOperations.java",
              "package org.springframework.data.redis.core;",
              "public interface ValueOperations<K, V> {",
              "  Long increment(K key, long delta);",
              "  void set(K key, V value);",
              "}")
          .addSourceLines(
              "ListOperations.java",
              "package org.springframework.data.redis.core;",
              "public interface ListOperations<K, V> { Long rightPush(K key, V value); }")
          .addSourceLines(
              "Update.java",
              "package org.springframework.data.mongodb.core.query;",
              "public class Update {",
              "  public Update inc(String key, Number n) { return this; }",
              "  public Update set(String key, Object v) { return this; }",
              "}")
          .addSourceLines(
              "Item.java",
              "class Item {",
              "  private int qty;",
              "  int getQty() { return qty; }",
              "  void setQty(int q) { qty = q; }",
              "  void bump() { qty++; }",
              "}");

  @Test
  void storeIncrementsAndPushesAreFlagged() {
    helper
        .addSourceLines(
            "Cache.java",
            "import io.idempo.IdempotentHandler;",
            "import org.springframework.data.redis.core.ListOperations;",
            "import org.springframework.data.redis.core.ValueOperations;",
            "import org.springframework.data.mongodb.core.query.Update;",
            "class Cache {",
            "  private ValueOperations<String, String> values;",
            "  private ListOperations<String, String> lists;",
            "  @IdempotentHandler",
            "  void on(String key, String v) {",
            "    // BUG: Diagnostic contains: `values.increment(…)` increments again",
            "    values.increment(key, 1);",
            "    values.set(key, v);",
            "    // BUG: Diagnostic contains: `lists.rightPush(…)` appends a duplicate",
            "    lists.rightPush(key, v);",
            "    // BUG: Diagnostic contains: .inc(…)` adds again",
            "    Update update = new Update().inc(\"count\", 1);",
            "    Update absolute = new Update().set(\"count\", 1);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void streamElementsAndMethodReferencesAreFollowed() {
    helper
        .addSourceLines(
            "Restock.java",
            "import io.idempo.IdempotentHandler;",
            "import java.util.ArrayList;",
            "import java.util.List;",
            "class Restock {",
            "  private final List<String> log = new ArrayList<>();",
            "  @IdempotentHandler",
            "  void on(List<Item> items, List<String> names) {",
            "    // BUG: Diagnostic contains: `setQty(…)`",
            "    items.stream().filter(i -> i.getQty() > 0).forEach(i -> i.setQty(i.getQty() + 1));",
            "    // BUG: Diagnostic contains: `qty++` through `Item.bump`",
            "    items.forEach(Item::bump);",
            "    // BUG: Diagnostic contains: `log::add`",
            "    names.forEach(log::add);",
            "    List<Item> copies = new ArrayList<>();",
            "    copies.forEach(Item::bump);",
            "    List<String> local = new ArrayList<>();",
            "    names.forEach(local::add);",
            "    items.stream().map(i -> new Item()).forEach(i -> i.setQty(5));",
            "  }",
            "}")
        .doTest();
  }
}
