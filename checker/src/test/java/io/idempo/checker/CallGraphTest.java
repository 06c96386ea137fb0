package io.idempo.checker;

import com.google.errorprone.CompilationTestHelper;
import org.junit.jupiter.api.Test;

/**
 * Mutations reached through calls: helpers of the handler's class (reported where they are) and
 * services, repositories and entities of other classes (reported at the handler's call, with the
 * chain in the message).
 */
class CallGraphTest {

  private final CompilationTestHelper helper =
      Sources.helper(getClass())
          .addSourceLines(
              "shop/Customer.java",
              "package shop;",
              "import java.math.BigDecimal;",
              "public class Customer {",
              "  private BigDecimal amountReserved = BigDecimal.ZERO;",
              "  private int orders;",
              "  public BigDecimal getAmountReserved() { return amountReserved; }",
              "  public void setAmountReserved(BigDecimal a) { amountReserved = a; }",
              "  public void reserve(BigDecimal price) {",
              "    setAmountReserved(getAmountReserved().add(price));",
              "  }",
              "  public void countOrder() { orders++; }",
              "  public void rename(String name) { }",
              "}")
          .addSourceLines(
              "shop/CustomerRepository.java",
              "package shop;",
              "public interface CustomerRepository {",
              "  Customer findById(String id);",
              "}")
          .addSourceLines(
              "shop/OrderService.java",
              "package shop;",
              "import java.math.BigDecimal;",
              "public class OrderService {",
              "  private final CustomerRepository customers;",
              "  public OrderService(CustomerRepository customers) { this.customers = customers; }",
              "  public void reserve(String customerId, BigDecimal price) {",
              "    Customer customer = customers.findById(customerId);",
              "    customer.reserve(price);",
              "  }",
              "  public void rename(String customerId, String name) {",
              "    customers.findById(customerId).rename(name);",
              "  }",
              "  public Customer scratch(BigDecimal price) {",
              "    Customer fresh = new Customer();",
              "    fresh.reserve(price);",
              "    return fresh;",
              "  }",
              "  public void count(Customer customer) { customer.countOrder(); }",
              "}");

  @Test
  void mutationTwoCallsDownInAnotherClassIsReportedAtTheHandlersCall() {
    helper
        .addSourceLines(
            "shop/OrderListener.java",
            "package shop;",
            "import io.idempo.IdempotentHandler;",
            "import java.math.BigDecimal;",
            "class OrderListener {",
            "  private final OrderService service;",
            "  OrderListener(OrderService service) { this.service = service; }",
            "  @IdempotentHandler",
            "  void onOrder(String customerId, BigDecimal price, Customer customer) {",
            "    // BUG: Diagnostic contains: `OrderService.reserve` → `Customer.reserve` at"
                + " Customer.java:9",
            "    service.reserve(customerId, price);",
            "    service.rename(customerId, \"x\");",
            "    service.scratch(price);",
            "    // BUG: Diagnostic contains: `orders++` through `OrderService.count` →"
                + " `Customer.countOrder`",
            "    service.count(customer);",
            "    service.count(new Customer());",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void helperInTheHandlersClassIsReportedWhereTheMutationIs() {
    helper
        .addSourceLines(
            "Stats.java",
            "import io.idempo.IdempotentHandler;",
            "class Stats {",
            "  private long total;",
            "  private long other;",
            "  @IdempotentHandler",
            "  void on(long amount) {",
            "    record(amount);",
            "    untouched(amount);",
            "  }",
            "  private void record(long amount) {",
            "    // BUG: Diagnostic contains: reached from handler `on` through `Stats.record`",
            "    total += amount;",
            "  }",
            "  private void untouched(long amount) {",
            "    long local = amount;",
            "    local += 1;",
            "    other = local;",
            "  }",
            "  void notAHandler(long amount) {",
            "    other += amount;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void guardInTheCallerCoversTheCallee() {
    helper
        .addSourceLines(
            "shop/Guarded.java",
            "package shop;",
            "import io.idempo.IdempotentHandler;",
            "import java.math.BigDecimal;",
            "import java.util.Set;",
            "class Guarded {",
            "  private OrderService service;",
            "  private Set<String> done;",
            "  @IdempotentHandler",
            "  void on(String id, String customerId, BigDecimal price) {",
            "    if (done.add(id)) {",
            "      service.reserve(customerId, price);",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void cyclesAndRecursionTerminate() {
    helper
        .addSourceLines(
            "Cycle.java",
            "import io.idempo.IdempotentHandler;",
            "class Cycle {",
            "  private long hits;",
            "  private final Other other = new Other();",
            "  @IdempotentHandler",
            "  void on(int n) {",
            "    ping(n);",
            "    countdown(n);",
            "  }",
            "  void ping(int n) { if (n > 0) pong(n - 1); }",
            "  void pong(int n) {",
            "    // BUG: Diagnostic contains: `hits++`",
            "    hits++;",
            "    ping(n);",
            "  }",
            "  void countdown(int n) {",
            "    if (n == 0) return;",
            "    countdown(n - 1);",
            "    other.bounce(this, n);",
            "  }",
            "  static class Other {",
            "    private long calls;",
            "    void bounce(Cycle back, int n) {",
            "      back.countdown(n - 1);",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void interfaceCallsFollowEveryImplementation() {
    helper
        .addSourceLines(
            "pay/Ledger.java",
            "package pay;",
            "public interface Ledger { void post(long amount); }")
        .addSourceLines(
            "pay/SqlLedger.java",
            "package pay;",
            "public class SqlLedger implements Ledger {",
            "  private long balance;",
            "  @Override public void post(long amount) { balance += amount; }",
            "}")
        .addSourceLines(
            "pay/Wallet.java",
            "package pay;",
            "public interface Wallet { void credit(long amount); }")
        .addSourceLines(
            "pay/CardWallet.java",
            "package pay;",
            "public class CardWallet implements Wallet {",
            "  private long credit;",
            "  @Override public void credit(long amount) { credit += amount; }",
            "}")
        .addSourceLines(
            "pay/GiftWallet.java",
            "package pay;",
            "public class GiftWallet implements Wallet {",
            "  private long last;",
            "  @Override public void credit(long amount) { last = amount; }",
            "}")
        .addSourceLines(
            "pay/Handler.java",
            "package pay;",
            "import io.idempo.IdempotentHandler;",
            "class Handler {",
            "  private Ledger ledger;",
            "  private Wallet wallet;",
            "  @IdempotentHandler",
            "  void on(long amount) {",
            "    // BUG: Diagnostic contains: `SqlLedger.post`",
            "    ledger.post(amount);",
            "    // BUG: Diagnostic contains: `CardWallet.credit`",
            "    wallet.credit(amount);",
            "  }",
            "}")
        .addSourceLines(
            "pay/Observers.java",
            "package pay;",
            "import io.idempo.IdempotentHandler;",
            "import java.util.List;",
            "class Observers {",
            "  private List<Wallet> wallets;",
            "  private GiftWallet gift;",
            "  @IdempotentHandler",
            "  void on(long amount) {",
            "    // BUG: Diagnostic contains: `CardWallet.credit`",
            "    wallets.forEach(w -> w.credit(amount));",
            "    gift.credit(amount);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void jdkOneMethodInterfacesAreFollowedIntoTheirImplementationsHere() {
    helper
        .addSourceLines(
            "pay/Award.java",
            "package pay;",
            "import java.util.function.Consumer;",
            "public class Award implements Consumer<Long> {",
            "  private long points;",
            "  @Override public void accept(Long amount) { points += amount; }",
            "}")
        .addSourceLines(
            "pay/ByPoints.java",
            "package pay;",
            "import java.util.Comparator;",
            "public class ByPoints implements Comparator<String> {",
            "  private int comparisons;",
            "  @Override public int compare(String a, String b) { comparisons++; return a.compareTo(b); }",
            "}")
        .addSourceLines(
            "pay/Handler.java",
            "package pay;",
            "import io.idempo.IdempotentHandler;",
            "import java.util.Comparator;",
            "import java.util.List;",
            "import java.util.function.Consumer;",
            "class Handler {",
            "  private List<Consumer<Long>> observers;",
            "  private Comparator<String> order;",
            "  @IdempotentHandler",
            "  void on(String id, long amount) {",
            "    // BUG: Diagnostic contains: `Award.accept`",
            "    observers.forEach(o -> o.accept(amount));",
            "    // BUG: Diagnostic contains: `ByPoints.compare`",
            "    order.compare(id, id);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void defaultMethodsAreFollowedLikeTheImplementationsThatInheritOrOverrideThem() {
    helper
        .addSourceLines(
            "pay/Totals.java",
            "package pay;",
            "public interface Totals {",
            "  void add(String id, long n);",
            "  default void addTwice(String id, long n) { add(id, n); add(id, n); }",
            "  default void reset(String id) { }",
            "}")
        .addSourceLines(
            "pay/MapTotals.java",
            "package pay;",
            "public class MapTotals implements Totals {",
            "  private final java.util.Map<String, Long> totals = new java.util.HashMap<>();",
            "  @Override public void add(String id, long n) { totals.merge(id, n, Long::sum); }",
            "}")
        .addSourceLines(
            "pay/Audit.java",
            "package pay;",
            "public interface Audit {",
            "  default void note(String id) { }",
            "}")
        .addSourceLines(
            "pay/CountingAudit.java",
            "package pay;",
            "public class CountingAudit implements Audit {",
            "  private int notes;",
            "  @Override public void note(String id) { notes++; }",
            "}")
        .addSourceLines(
            "pay/QuietAudit.java",
            "package pay;",
            "public class QuietAudit implements Audit { }")
        .addSourceLines(
            "pay/Handler.java",
            "package pay;",
            "import io.idempo.IdempotentHandler;",
            "class Handler {",
            "  private Totals totals;",
            "  private Audit audit;",
            "  @IdempotentHandler",
            "  void on(String id, long amount) {",
            "    // BUG: Diagnostic contains: `totals.merge(…)` through `Totals.addTwice` →"
                + " `MapTotals.add`",
            "    totals.addTwice(id, amount);",
            "    totals.reset(id);",
            "    // BUG: Diagnostic contains: `notes++` through `CountingAudit.note`",
            "    audit.note(id);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void entitiesLoadedThroughHelpersAreLasting() {
    helper
        .addSourceLines(
            "pay/Account.java",
            "package pay;",
            "public class Account {",
            "  private long balance;",
            "  public long getBalance() { return balance; }",
            "  public void setBalance(long b) { balance = b; }",
            "}")
        .addSourceLines(
            "pay/Accounts.java",
            "package pay;",
            "public interface Accounts { java.util.Optional<Account> findById(String id); }")
        .addSourceLines(
            "pay/Transfers.java",
            "package pay;",
            "import io.idempo.IdempotentHandler;",
            "class Transfers {",
            "  private Accounts accounts;",
            "  private Account checkAccount(String id) {",
            "    return accounts.findById(id).orElseThrow(IllegalArgumentException::new);",
            "  }",
            "  private Account blank(String id) { return new Account(); }",
            "  @IdempotentHandler",
            "  void on(String id, long amount) {",
            "    Account a = checkAccount(id);",
            "    // BUG: Diagnostic contains: `setBalance(…)` fed by its own `balance`",
            "    a.setBalance(a.getBalance() + amount);",
            "    Account b = blank(id);",
            "    b.setBalance(b.getBalance() + amount);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void callDepthIsBounded() {
    Sources.helper(getClass(), "-XepOpt:NonIdempotentMutation:MaxCallDepth=2")
        .addSourceLines(
            "deep/Chain.java",
            "package deep;",
            "public class Chain {",
            "  private long a;",
            "  private long b;",
            "  public void one() { two(); }",
            "  public void two() { a++; three(); }",
            "  public void three() { b++; }",
            "}")
        .addSourceLines(
            "deep/Handler.java",
            "package deep;",
            "import io.idempo.IdempotentHandler;",
            "class Handler {",
            "  private Chain chain;",
            "  @IdempotentHandler",
            "  void on() {",
            "    // BUG: Diagnostic contains: `a++` through `Chain.one` → `Chain.two`",
            "    chain.one();",
            "  }",
            "}")
        .doTest();
  }
}
