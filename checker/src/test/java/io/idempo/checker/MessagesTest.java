package io.idempo.checker;

import org.junit.jupiter.api.Test;

/**
 * What a warning says: advice that fits the state it changes, every read-modify-write on the same
 * path named with its place, and calls written as they are.
 */
class MessagesTest {

  @Test
  void nestedClassesAreNamedFromTheOutermostClass() {
    Sources.helper(getClass())
        .addSourceLines(
            "Stock.java",
            "public class Stock {",
            "  public static class Reserver {",
            "    private int reserved;",
            "    public void reserve(int n) { reserved += n; }",
            "  }",
            "}")
        .addSourceLines(
            "Orders.java",
            "public class Orders {",
            "  public static class Reserver {",
            "    private int reserved;",
            "    public void reserve(int n) { reserved = n; }",
            "  }",
            "}")
        .addSourceLines(
            "Handler.java",
            "import io.idempo.IdempotentHandler;",
            "class Handler {",
            "  private Stock.Reserver stock;",
            "  private Orders.Reserver orders;",
            "  @IdempotentHandler void on(int n) {",
            "    // BUG: Diagnostic contains: through `Stock.Reserver.reserve` at Stock.java:4",
            "    stock.reserve(n);",
            "    orders.reserve(n);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void adviceFitsTheFinding() {
    Sources.helper(getClass())
        .addSourceLines(
            "Jdbc.java",
            "interface Jdbc {",
            "  int update(String sql, Object... args);",
            "}")
        .addSourceLines(
            "Advice.java",
            "import io.idempo.IdempotentHandler;",
            "import java.util.*;",
            "import java.util.concurrent.atomic.AtomicLong;",
            "class Advice {",
            "  private long balance;",
            "  private int count;",
            "  private final AtomicLong hits = new AtomicLong();",
            "  private final List<String> log = new ArrayList<>();",
            "  private Jdbc jdbc;",
            "  @IdempotentHandler void on(String id, long amount) {",
            "    // BUG: Diagnostic contains: record the amount keyed by the message (a ledger row",
            "    balance += amount;",
            "    // BUG: Diagnostic contains: count distinct messages instead",
            "    count++;",
            "    // BUG: Diagnostic contains: `hits.getAndIncrement()` increments again",
            "    hits.getAndIncrement();",
            "    // BUG: Diagnostic contains: key the entry by the message",
            "    log.add(id);",
            "    // BUG: Diagnostic contains: INSERT … ON CONFLICT (event_id) DO NOTHING",
            "    jdbc.update(\"UPDATE account SET balance = balance + ? WHERE id = ?\", amount, id);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void everyReadModifyWriteOnThePathIsNamed() {
    Sources.helper(getClass())
        .addSourceLines(
            "shop/Customer.java",
            "package shop;",
            "public class Customer {",
            "  private long points;",
            "  private int visits;",
            "  public void reward(long p) {",
            "    points += p;",
            "    visits++;",
            "  }",
            "}")
        .addSourceLines(
            "shop/Listener.java",
            "package shop;",
            "import io.idempo.IdempotentHandler;",
            "class Listener {",
            "  private Customer customer;",
            "  @IdempotentHandler void on(long p) {",
            "    // BUG: Diagnostic contains: (1 more read-modify-write on the same path: `visits++` at"
                + " Customer.java:7)",
            "    customer.reward(p);",
            "  }",
            "}")
        .doTest();
  }
}
