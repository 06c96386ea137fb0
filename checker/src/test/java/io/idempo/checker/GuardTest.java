package io.idempo.checker;

import com.google.errorprone.CompilationTestHelper;
import org.junit.jupiter.api.Test;

/**
 * Guarded updates, the idempotent state transition: the mutation runs only when a test of some
 * state passes, and the same region moves that state on.
 */
class GuardTest {

  private final CompilationTestHelper helper =
      Sources.helper(getClass())
          .addSourceLines(
              "Order.java",
              "class Order {",
              "  enum Status { NEW, PAID, SHIPPED }",
              "  private Status status = Status.NEW;",
              "  private long paid;",
              "  private boolean settled;",
              "  Status getStatus() { return status; }",
              "  void setStatus(Status s) { status = s; }",
              "  boolean isSettled() { return settled; }",
              "  void setSettled(boolean s) { settled = s; }",
              "  long getPaid() { return paid; }",
              "  void setPaid(long p) { paid = p; }",
              "  void markPaid() { status = Status.PAID; }",
              "  String getId() { return \"\"; }",
              "}")
          .addSourceLines(
              "Account.java",
              "class Account {",
              "  private long balance;",
              "  long getBalance() { return balance; }",
              "  void setBalance(long b) { balance = b; }",
              "}")
          .addSourceLines(
              "Orders.java",
              "interface Orders {",
              "  Order find(String id);",
              "  Account findAccount(String id);",
              "}")
          .addSourceLines(
              "ProcessedEvents.java",
              "interface ProcessedEvents {",
              "  boolean existsByEventId(String id);",
              "  void save(String id);",
              "}");

  @Test
  void stateTransitionsGuardTheirBranch() {
    helper
        .addSourceLines(
            "Pay.java",
            "import io.idempo.IdempotentHandler;",
            "class Pay {",
            "  private long revenue;",
            "  private Orders orders;",
            "  @IdempotentHandler",
            "  void on(String orderId, long p) {",
            "    Order order = orders.find(orderId);",
            "    Account account = orders.findAccount(orderId);",
            "    if (order.getStatus() == Order.Status.NEW) {",
            "      order.setStatus(Order.Status.PAID);",
            "      account.setBalance(account.getBalance() - p);",
            "      revenue += p;",
            "    }",
            "    if (!order.isSettled()) {",
            "      order.setSettled(true);",
            "      order.setPaid(order.getPaid() + p);",
            "    }",
            "    if (order.getStatus() != Order.Status.SHIPPED) {",
            "      order.markPaid();",
            "      revenue += p;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void earlyExitGuardsCoverTheRestOfTheBlock() {
    helper
        .addSourceLines(
            "Early.java",
            "import io.idempo.IdempotentHandler;",
            "import java.util.HashSet;",
            "import java.util.Set;",
            "class Early {",
            "  private final Set<String> seen = new HashSet<>();",
            "  private ProcessedEvents processed;",
            "  private long total;",
            "  @IdempotentHandler",
            "  void bySet(String id, long amount) {",
            "    if (seen.contains(id)) return;",
            "    total += amount;",
            "    seen.add(id);",
            "  }",
            "  @IdempotentHandler",
            "  void byRepository(String id, long amount) {",
            "    if (processed.existsByEventId(id)) {",
            "      return;",
            "    }",
            "    total += amount;",
            "    processed.save(id);",
            "  }",
            "  private Orders orders;",
            "  @IdempotentHandler",
            "  void byStatus(String orderId, long amount) {",
            "    Order order = orders.find(orderId);",
            "    if (order.getStatus() == Order.Status.PAID) {",
            "      throw new IllegalStateException(\"already paid\");",
            "    }",
            "    order.setPaid(order.getPaid() + amount);",
            "    order.setStatus(Order.Status.PAID);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void aTestBehindABooleanHelperIsTheTestItReturns() {
    helper
        .addSourceLines(
            "Helper.java",
            "import io.idempo.IdempotentHandler;",
            "import java.util.HashSet;",
            "import java.util.Set;",
            "class Helper {",
            "  private final Set<String> seen = new HashSet<>();",
            "  private ProcessedEvents processed;",
            "  private long total;",
            "  private boolean isDuplicate(String id) {",
            "    return processed.existsByEventId(id);",
            "  }",
            "  private boolean alreadySeen(String id) {",
            "    boolean seenBefore = seen.contains(id);",
            "    if (seenBefore) {",
            "      System.out.println(\"duplicate \" + id);",
            "    }",
            "    return seenBefore;",
            "  }",
            "  private static boolean isLarge(long amount) { return amount > 1_000; }",
            "  @IdempotentHandler",
            "  void byRepository(String id, long amount) {",
            "    if (isDuplicate(id)) {",
            "      return;",
            "    }",
            "    total += amount;",
            "    processed.save(id);",
            "  }",
            "  @IdempotentHandler",
            "  void bySet(String id, long amount) {",
            "    if (!alreadySeen(id)) {",
            "      total += amount;",
            "      seen.add(id);",
            "    }",
            "  }",
            "  @IdempotentHandler",
            "  void byTheMessage(String id, long amount) {",
            "    if (isLarge(amount)) {",
            "      return;",
            "    }",
            "    // BUG: Diagnostic contains: `total += …`",
            "    total += amount;",
            "    processed.save(id);",
            "  }",
            "  @IdempotentHandler",
            "  void helperTestsWhatIsNotMoved(String id, long amount) {",
            "    if (isDuplicate(id)) {",
            "      return;",
            "    }",
            "    // BUG: Diagnostic contains: `total += …`",
            "    total += amount;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void aCompensationInACatchThatRethrowsIsNoRedeliveredWrite() {
    helper
        .addSourceLines(
            "Tokens.java",
            "import java.util.ArrayList;",
            "import java.util.List;",
            "class Tokens {",
            "  private final List<String> free = new ArrayList<>();",
            "  void release(String token) { free.add(token); }",
            "}")
        .addSourceLines(
            "Compensate.java",
            "import io.idempo.IdempotentHandler;",
            "class Compensate {",
            "  private final Tokens tokens = new Tokens();",
            "  private long reserved;",
            "  private Orders orders;",
            "  @IdempotentHandler",
            "  void rethrows(String orderId, String token) {",
            "    try {",
            "      orders.find(orderId).markPaid();",
            "    } catch (RuntimeException e) {",
            "      tokens.release(token);",
            "      reserved -= 1;",
            "      throw e;",
            "    }",
            "  }",
            "  @IdempotentHandler",
            "  void swallows(String orderId, String token) {",
            "    try {",
            "      orders.find(orderId).markPaid();",
            "    } catch (RuntimeException e) {",
            "      // BUG: Diagnostic contains: `free.add(…)`",
            "      tokens.release(token);",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void claimsInTheConditionGuardTheBranch() {
    helper
        .addSourceLines(
            "Claims.java",
            "import io.idempo.IdempotentHandler;",
            "import java.util.Map;",
            "import java.util.Set;",
            "import java.util.concurrent.ConcurrentHashMap;",
            "class Claims {",
            "  private final Set<String> processed = ConcurrentHashMap.newKeySet();",
            "  private final Map<String, Boolean> claimed = new ConcurrentHashMap<>();",
            "  private final java.util.concurrent.atomic.AtomicLong total = new java.util.concurrent.atomic.AtomicLong();",
            "  private long count;",
            "  @IdempotentHandler",
            "  void on(String id, long amount) {",
            "    if (processed.add(id)) {",
            "      count++;",
            "      total.addAndGet(amount);",
            "    }",
            "    if (claimed.putIfAbsent(id, Boolean.TRUE) != null) {",
            "      return;",
            "    }",
            "    count += amount;",
            "  }",
            "  @IdempotentHandler",
            "  void negated(String id) {",
            "    if (!processed.add(id)) {",
            "      return;",
            "    }",
            "    count++;",
            "  }",
            "  @IdempotentHandler",
            "  void notSaved(String id, long amount, ProcessedEvents events) {",
            "    if (!events.existsByEventId(id)) {",
            "      count += amount;",
            "      events.save(id);",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void testsThatDoNotMoveTheirStateAreNoGuard() {
    helper
        .addSourceLines(
            "Unguarded.java",
            "import io.idempo.IdempotentHandler;",
            "import java.util.List;",
            "class Unguarded {",
            "  private int stock;",
            "  private long total;",
            "  private ProcessedEvents processed;",
            "  @IdempotentHandler",
            "  void on(Order order, Account account, String id, int q, long amount, List<String> log) {",
            "    if (stock >= q) {",
            "      // BUG: Diagnostic contains: `stock -= …`",
            "      stock -= q;",
            "    }",
            "    if (order.getStatus() == Order.Status.NEW) {",
            "      // BUG: Diagnostic contains: `setBalance(…)`",
            "      account.setBalance(account.getBalance() - amount);",
            "    }",
            "    if (processed.existsByEventId(id)) {",
            "      // BUG: Diagnostic contains: `total += …`",
            "      total += amount;",
            "    }",
            "    if (amount > 0) {",
            "      // BUG: Diagnostic contains: `total += …`",
            "      total += amount;",
            "    }",
            "    if (order.getStatus() == Order.Status.NEW) {",
            "      order.setPaid(5);",
            "      // BUG: Diagnostic contains: `setBalance(…)`",
            "      account.setBalance(account.getBalance() + amount);",
            "    }",
            "    if (log.isEmpty()) return;",
            "    // BUG: Diagnostic contains: `total++`",
            "    total++;",
            "  }",
            "}")
        .doTest();
  }
}
