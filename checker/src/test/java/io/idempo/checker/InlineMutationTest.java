package io.idempo.checker;

import com.google.errorprone.CompilationTestHelper;
import org.junit.jupiter.api.Test;

/** Read-modify-writes written directly in the handler body: compound assignments and friends. */
class InlineMutationTest {

  private final CompilationTestHelper helper = Sources.helper(getClass());

  @Test
  void compoundAssignmentsOnFieldsAreFlagged() {
    helper
        .addSourceLines(
            "Payments.java",
            "import io.idempo.IdempotentHandler;",
            "class Payments {",
            "  private long totalCaptured;",
            "  private int captures;",
            "  private static long allTime;",
            "  private final long[] perDay = new long[7];",
            "  private double rate = 1.0;",
            "  private boolean flag;",
            "  @IdempotentHandler",
            "  void onCaptured(long amount, int day) {",
            "    // BUG: Diagnostic contains: `totalCaptured += …` adds again on every redelivery",
            "    totalCaptured += amount;",
            "    // BUG: Diagnostic contains: `captures++` increments again",
            "    captures++;",
            "    // BUG: Diagnostic contains: `--captures` decrements again",
            "    --captures;",
            "    // BUG: Diagnostic contains: `allTime -= …` subtracts again",
            "    allTime -= amount;",
            "    // BUG: Diagnostic contains: `perDay[…] += …`",
            "    perDay[day] += amount;",
            "    // BUG: Diagnostic contains: `rate *= …` scales again",
            "    rate *= 1.1;",
            "    // BUG: Diagnostic contains: `flag ^= …` flips again",
            "    flag ^= true;",
            "    // BUG: Diagnostic contains: record the amount keyed by the message (a ledger row",
            "    this.totalCaptured = this.totalCaptured + amount;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void selfAssignmentAndToggleFormsAreFlagged() {
    helper
        .addSourceLines(
            "Ledger.java",
            "import io.idempo.IdempotentHandler;",
            "class Ledger {",
            "  private long balance;",
            "  private boolean open;",
            "  private String log = \"\";",
            "  @IdempotentHandler",
            "  void onEntry(long amount, String line) {",
            "    // BUG: Diagnostic contains: `balance = …` computed from `balance`",
            "    balance = balance - amount;",
            "    // BUG: Diagnostic contains: flips again",
            "    open = !open;",
            "    // BUG: Diagnostic contains: adds again",
            "    log = log + line;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void idempotentLookAlikesStaySilent() {
    helper
        .addSourceLines(
            "Orders.java",
            "import io.idempo.IdempotentHandler;",
            "class Orders {",
            "  enum Status { NEW, PAID }",
            "  private Status status = Status.NEW;",
            "  private long lastAmount;",
            "  private long high;",
            "  private int flags;",
            "  private String name = \"\";",
            "  private long remainder;",
            "  @IdempotentHandler",
            "  void onPaid(long amount, String newName) {",
            "    status = Status.PAID;",
            "    lastAmount = amount;",
            "    high = Math.max(high, amount);",
            "    flags |= 4;",
            "    flags &= ~1;",
            "    remainder %= 7;",
            "    name = newName.trim();",
            "    name = name.trim();",
            "    long local = 0;",
            "    local += amount;",
            "    local++;",
            "    int[] counts = new int[3];",
            "    counts[0]++;",
            "    for (int i = 0; i < 3; i++) { local += i; }",
            "    lastAmount = local;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void placesResetEarlierInTheCallArePerCallValues() {
    helper
        .addSourceLines(
            "Batch.java",
            "import io.idempo.IdempotentHandler;",
            "import java.util.ArrayList;",
            "import java.util.List;",
            "import java.util.concurrent.atomic.AtomicLong;",
            "class Batch {",
            "  private long batchTotal;",
            "  private final List<Long> buffer = new ArrayList<>();",
            "  private final AtomicLong seen = new AtomicLong();",
            "  private long carried;",
            "  @IdempotentHandler",
            "  void on(List<Long> amounts) {",
            "    batchTotal = 0;",
            "    buffer.clear();",
            "    seen.set(0);",
            "    for (long a : amounts) {",
            "      batchTotal += a;",
            "      buffer.add(a);",
            "      seen.incrementAndGet();",
            "    }",
            "    // BUG: Diagnostic contains: `carried += …`",
            "    carried += batchTotal;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void codeOutsideHandlersStaysSilent() {
    helper
        .addSourceLines(
            "Counters.java",
            "class Counters {",
            "  private long total;",
            "  void add(long amount) {",
            "    total += amount;",
            "    total++;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void objectsCreatedDuringTheCallAreNotLasting() {
    helper
        .addSourceLines(
            "Fresh.java",
            "import io.idempo.IdempotentHandler;",
            "class Fresh {",
            "  static class Tally { long sum; void setSum(long s) { sum = s; } long getSum() { return sum; } }",
            "  private Tally last;",
            "  @IdempotentHandler",
            "  void on(long amount) {",
            "    Tally tally = new Tally();",
            "    tally.sum += amount;",
            "    tally.setSum(tally.getSum() + amount);",
            "    last = tally;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void lambdasInsideHandlersAreChecked() {
    helper
        .addSourceLines(
            "Batch.java",
            "import io.idempo.IdempotentHandler;",
            "import java.util.List;",
            "class Batch {",
            "  private long total;",
            "  @IdempotentHandler",
            "  void on(List<Long> amounts) {",
            "    // BUG: Diagnostic contains: `total += …`",
            "    amounts.forEach(a -> total += a);",
            "  }",
            "}")
        .doTest();
  }
}
