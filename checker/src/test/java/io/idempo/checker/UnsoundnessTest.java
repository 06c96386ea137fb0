package io.idempo.checker;

import com.google.errorprone.CompilationTestHelper;
import org.junit.jupiter.api.Test;

/**
 * Known false negatives: read-modify-writes the check accepts missing, in exchange for precision
 * and bounded cost. Each case is asserted silent, so a change that starts catching one shows up
 * here and the documentation's limitation list can shrink with it.
 */
class UnsoundnessTest {

  private final CompilationTestHelper helper =
      Sources.helper(getClass())
          .addSourceLines(
              "Account.java",
              "class Account {",
              "  private long balance;",
              "  long getBalance() { return balance; }",
              "  void setBalance(long b) { balance = b; }",
              "}");

  @Test
  void codeOutsideTheCompilationIsNotEntered() {
    // ListIterator.add appends to the list, but the check knows only the list's own methods.
    helper
        .addSourceLines(
            "Handler.java",
            "import io.idempo.IdempotentHandler;",
            "import java.util.*;",
            "class Handler {",
            "  private final List<String> log = new ArrayList<>();",
            "  @IdempotentHandler void on(String id) { log.listIterator().add(id); }",
            "}")
        .doTest();
  }

  @Test
  void helpersWithUnrecognisedNamesHideTheArithmetic() {
    helper
        .addSourceLines(
            "Handler.java",
            "import io.idempo.IdempotentHandler;",
            "class Handler {",
            "  static long combine(long a, long b) { return a + b; }",
            "  @IdempotentHandler void on(Account a, long n) {",
            "    a.setBalance(combine(a.getBalance(), n));",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void constructorsAreNotEntered() {
    // The check follows calls, not `new`: a constructor that moves lasting state hides it.
    helper
        .addSourceLines(
            "Handler.java",
            "import io.idempo.IdempotentHandler;",
            "class Handler {",
            "  static final class Visits { long count; }",
            "  static final class Visit {",
            "    Visit(Visits visits) { visits.count++; }",
            "  }",
            "  private final Visits visits = new Visits();",
            "  @IdempotentHandler void on(String id) { new Visit(visits); }",
            "}")
        .doTest();
  }

  @Test
  void anonymousAndLocalClassBodiesAreNotEntered() {
    helper
        .addSourceLines(
            "Handler.java",
            "import io.idempo.IdempotentHandler;",
            "class Handler {",
            "  private long total;",
            "  @IdempotentHandler void on(long n) {",
            "    new Runnable() { @Override public void run() { total += n; } }.run();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void aliasesOfTheSameObjectAreNotMatched() {
    helper
        .addSourceLines(
            "Handler.java",
            "import io.idempo.IdempotentHandler;",
            "class Handler {",
            "  private Account account;",
            "  @IdempotentHandler void on(long n) {",
            "    Account alias = account;",
            "    account.setBalance(alias.getBalance() + n);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void aGuardIsTrustedWithoutCheckingItsPolarity() {
    // The test passes when the status is already PAID and the branch "moves" it to PAID again:
    // a second delivery runs the branch again. The check accepts any test-and-move as a guard.
    helper
        .addSourceLines(
            "Order.java",
            "class Order {",
            "  enum Status { NEW, PAID }",
            "  private Status status;",
            "  Status getStatus() { return status; }",
            "  void setStatus(Status s) { status = s; }",
            "}")
        .addSourceLines(
            "Handler.java",
            "import io.idempo.IdempotentHandler;",
            "class Handler {",
            "  private java.util.Map<String, Order> orders;",
            "  @IdempotentHandler void on(String id, Account a, long n) {",
            "    Order o = orders.get(id);",
            "    if (o.getStatus() == Order.Status.PAID) {",
            "      o.setStatus(Order.Status.PAID);",
            "      a.setBalance(a.getBalance() + n);",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void sqlBuiltAtRunTimeIsNotRead() {
    helper
        .addSourceLines(
            "Handler.java",
            "import io.idempo.IdempotentHandler;",
            "class Handler {",
            "  interface Jdbc { int update(String sql, Object... args); }",
            "  private Jdbc jdbc;",
            "  @IdempotentHandler void on(String column, long n) {",
            "    jdbc.update(\"UPDATE t SET \" + column + \" = \" + column + \" + ?\", n);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void mutationsBeyondTheCallDepthAreNotReported() {
    helper
        .addSourceLines(
            "Deep.java",
            "class Deep {",
            "  private long n;",
            "  void d1() { d2(); } void d2() { d3(); } void d3() { d4(); } void d4() { d5(); }",
            "  void d5() { n++; }",
            "}")
        .addSourceLines(
            "Handler.java",
            "import io.idempo.IdempotentHandler;",
            "class Handler {",
            "  private Deep deep;",
            "  @IdempotentHandler void on() { deep.d1(); }",
            "}")
        .doTest();
  }

  @Test
  void readModifyWritesCarriedInObjectsBuiltInAStreamAreNotSeen() {
    // Reduced from a JMS consumer that reads stock over a REST client, adds the delivered
    // quantity in a stream and upserts the sums: the sum travels inside new objects.
    helper
        .addSourceLines(
            "StockClient.java",
            "import java.util.List;",
            "interface StockClient {",
            "  List<Level> getLevels(List<String> skus);",
            "  void upsertLevels(List<Level> levels);",
            "  record Level(String sku, int quantity) {}",
            "}")
        .addSourceLines(
            "Handler.java",
            "import io.idempo.IdempotentHandler;",
            "import java.util.List;",
            "class Handler {",
            "  private StockClient client;",
            "  @IdempotentHandler void on(List<String> skus, int q) {",
            "    List<StockClient.Level> current = client.getLevels(skus);",
            "    client.upsertLevels(",
            "        current.stream().map(l -> new StockClient.Level(l.sku(), l.quantity() + q)).toList());",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void anApplicationsOwnJdkCollectionIsNotEntered() {
    // Map.put is read at the call (a put keyed by the message is idempotent); an implementation of
    // a JDK interface with several methods (Map, List, Iterator) in the compilation is not entered.
    helper
        .addSourceLines(
            "Receipts.java",
            "import java.util.AbstractMap;",
            "import java.util.Map;",
            "import java.util.Set;",
            "public class Receipts extends AbstractMap<String, Long> {",
            "  private long puts;",
            "  @Override public Long put(String k, Long v) { puts++; return v; }",
            "  @Override public Set<Map.Entry<String, Long>> entrySet() { return Set.of(); }",
            "}")
        .addSourceLines(
            "Handler.java",
            "import io.idempo.IdempotentHandler;",
            "import java.util.Map;",
            "class Handler {",
            "  private Map<String, Long> receipts;",
            "  @IdempotentHandler",
            "  void on(String id, long amount) {",
            "    receipts.put(id, amount);",
            "  }",
            "}")
        .doTest();
  }
}
