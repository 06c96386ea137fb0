package io.idempo.checker;

import org.junit.jupiter.api.Test;

/** Handlers in unusual places and shapes: the check reads them without crashing or guessing. */
class UnusualShapesTest {

  @Test
  void handlersInRecordsEnumsInterfacesAndNestedClasses() {
    Sources.helper(getClass())
        .addSourceLines(
            "Shapes.java",
            "import io.idempo.IdempotentHandler;",
            "import java.util.*;",
            "import java.util.function.*;",
            "class Shapes {",
            "  static long hits;",
            "  record Projection(List<String> names) {",
            "    @IdempotentHandler void on(String name) {",
            "      // BUG: Diagnostic contains: `names().add(…)`",
            "      names().add(name);",
            "    }",
            "  }",
            "  enum Mode {",
            "    FAST;",
            "    private int uses;",
            "    @IdempotentHandler void on() {",
            "      // BUG: Diagnostic contains: `uses++`",
            "      uses++;",
            "    }",
            "  }",
            "  interface Listener {",
            "    @IdempotentHandler default void on(int n) {",
            "      // BUG: Diagnostic contains: `hits += …`",
            "      hits += n;",
            "    }",
            "  }",
            "  class Inner {",
            "    private int[][] grid = new int[2][2];",
            "    @IdempotentHandler void on(int i, int j) {",
            "      // BUG: Diagnostic contains: `grid[…][…]++`",
            "      grid[i][j]++;",
            "      int[][] local = new int[2][2];",
            "      local[i][j]++;",
            "    }",
            "  }",
            "  @IdempotentHandler static <T extends Comparable<T>> T generic(List<T> items, T x) {",
            "    outer:",
            "    for (T a : items) {",
            "      for (T b : items) { if (a.compareTo(b) > 0) continue outer; }",
            "    }",
            "    Supplier<List<T>> make = ArrayList::new;",
            "    List<T> fresh = make.get();",
            "    fresh.add(x);",
            "    Object o = items;",
            "    if (o instanceof List<?> l && !l.isEmpty()) { return x; }",
            "    switch (items.size()) { case 0: return x; default: break; }",
            "    BiFunction<Integer, Integer, Integer> f = Integer::sum;",
            "    return varargs(x, x, x);",
            "  }",
            "  @SafeVarargs static <T> T varargs(T... xs) { return xs[0]; }",
            "  @IdempotentHandler void self(Shapes other) {",
            "    other.self(this);",
            "    new Shapes().self(other);",
            "    synchronized (this) { }",
            "    assert hits >= 0;",
            "    try (java.io.StringReader r = new java.io.StringReader(\"x\")) { r.read(); }",
            "    catch (java.io.IOException e) { throw new RuntimeException(e); }",
            "  }",
            "  @IdempotentHandler abstract static class Base { @IdempotentHandler abstract void on(); }",
            "}")
        .doTest();
  }
}
