package io.idempo.checker;

import com.google.errorprone.CompilationTestHelper;
import org.junit.jupiter.api.Test;

/** Setters fed by their getters, atomics and adders, maps, lists and queues. */
class SetterAndCollectionTest {

  private final CompilationTestHelper helper =
      Sources.helper(getClass())
          .addSourceLines(
              "Account.java",
              "import java.math.BigDecimal;",
              "import java.util.ArrayList;",
              "import java.util.List;",
              "class Account {",
              "  enum Status { NEW, PAID }",
              "  private long points;",
              "  private BigDecimal balance = BigDecimal.ZERO;",
              "  private Status status = Status.NEW;",
              "  private String note = \"\";",
              "  private final List<String> events = new ArrayList<>();",
              "  long getPoints() { return points; }",
              "  void setPoints(long p) { points = p; }",
              "  BigDecimal getBalance() { return balance; }",
              "  void setBalance(BigDecimal b) { balance = b; }",
              "  Status getStatus() { return status; }",
              "  void setStatus(Status s) { status = s; }",
              "  String getNote() { return note; }",
              "  void setNote(String n) { note = n; }",
              "  List<String> getEvents() { return events; }",
              "}")
          .addSourceLines(
              "AccountRepository.java",
              "import java.util.Optional;",
              "interface AccountRepository {",
              "  Optional<Account> findById(String id);",
              "  Account save(Account a);",
              "}");

  @Test
  void settersFedByTheirGettersAreFlagged() {
    helper
        .addSourceLines(
            "Points.java",
            "import io.idempo.IdempotentHandler;",
            "import java.math.BigDecimal;",
            "class Points {",
            "  private AccountRepository accounts;",
            "  private Account house;",
            "  @IdempotentHandler",
            "  void on(Account account, String id, long n, BigDecimal amount) {",
            "    // BUG: Diagnostic contains: `setPoints(…)` fed by its own `points`",
            "    account.setPoints(account.getPoints() + n);",
            "    // BUG: Diagnostic contains: subtracts again",
            "    account.setBalance(account.getBalance().subtract(amount));",
            "    java.util.Optional<Account> maybe = accounts.findById(id);",
            "    // BUG: Diagnostic contains: `setPoints(…)`",
            "    maybe.get().setPoints(maybe.get().getPoints() - n);",
            "    Account loaded = accounts.findById(id).orElseThrow();",
            "    // BUG: Diagnostic contains: adds again",
            "    loaded.setBalance(loaded.getBalance().add(amount));",
            "    // BUG: Diagnostic contains: `setNote(…)`",
            "    house.setNote(house.getNote() + \";\" + id);",
            "    accounts.save(loaded);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void absoluteSettersStaySilent() {
    helper
        .addSourceLines(
            "Transitions.java",
            "import io.idempo.IdempotentHandler;",
            "import java.math.BigDecimal;",
            "class Transitions {",
            "  private AccountRepository accounts;",
            "  @IdempotentHandler",
            "  void on(Account account, String id, long n, BigDecimal amount) {",
            "    account.setStatus(Account.Status.PAID);",
            "    account.setPoints(n);",
            "    account.setBalance(amount.add(BigDecimal.ONE));",
            "    account.setNote(account.getNote().trim());",
            "    account.setPoints(Math.max(account.getPoints(), n));",
            "    account.setBalance(account.getBalance().max(amount));",
            "    Account copy = new Account();",
            "    copy.setPoints(copy.getPoints() + n);",
            "    copy.getEvents().add(id);",
            "    accounts.save(account);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void atomicsAndAddersAreFlagged() {
    helper
        .addSourceLines(
            "Metrics.java",
            "import io.idempo.IdempotentHandler;",
            "import java.util.concurrent.atomic.AtomicInteger;",
            "import java.util.concurrent.atomic.AtomicLong;",
            "import java.util.concurrent.atomic.LongAdder;",
            "import java.util.concurrent.atomic.DoubleAdder;",
            "class Metrics {",
            "  private final AtomicLong received = new AtomicLong();",
            "  private final AtomicInteger inFlight = new AtomicInteger();",
            "  private static final LongAdder TOTAL = new LongAdder();",
            "  private final DoubleAdder volume = new DoubleAdder();",
            "  private final AtomicLong sum = new AtomicLong();",
            "  @IdempotentHandler",
            "  void on(long amount) {",
            "    // BUG: Diagnostic contains: `received.incrementAndGet()` increments again",
            "    received.incrementAndGet();",
            "    // BUG: Diagnostic contains: decrements again",
            "    inFlight.getAndDecrement();",
            "    // BUG: Diagnostic contains: `TOTAL.add(…)` adds again",
            "    TOTAL.add(amount);",
            "    // BUG: Diagnostic contains: increments again",
            "    TOTAL.increment();",
            "    // BUG: Diagnostic contains: `volume.add(…)`",
            "    volume.add(amount);",
            "    // BUG: Diagnostic contains: `sum.addAndGet(…)`",
            "    sum.addAndGet(amount);",
            "    // BUG: Diagnostic contains: `sum.accumulateAndGet(…)`",
            "    sum.accumulateAndGet(amount, Long::sum);",
            "    // BUG: Diagnostic contains: `sum.updateAndGet(…)`",
            "    sum.updateAndGet(v -> v + amount);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void idempotentAtomicOperationsStaySilent() {
    helper
        .addSourceLines(
            "Marks.java",
            "import io.idempo.IdempotentHandler;",
            "import java.util.concurrent.atomic.AtomicLong;",
            "import java.util.concurrent.atomic.AtomicReference;",
            "class Marks {",
            "  private final AtomicLong lastSeen = new AtomicLong();",
            "  private final AtomicLong high = new AtomicLong();",
            "  private final AtomicReference<String> state = new AtomicReference<>(\"NEW\");",
            "  @IdempotentHandler",
            "  void on(long at) {",
            "    lastSeen.set(at);",
            "    high.accumulateAndGet(at, Math::max);",
            "    high.updateAndGet(v -> Math.max(v, at));",
            "    high.getAndUpdate(v -> at);",
            "    state.compareAndSet(\"NEW\", \"DONE\");",
            "    state.getAndSet(\"DONE\");",
            "    AtomicLong local = new AtomicLong();",
            "    local.incrementAndGet();",
            "    lastSeen.lazySet(local.get());",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void mapMergesAndComputesFromTheOldValueAreFlagged() {
    helper
        .addSourceLines(
            "Tallies.java",
            "import io.idempo.IdempotentHandler;",
            "import java.math.BigDecimal;",
            "import java.util.HashMap;",
            "import java.util.Map;",
            "import java.util.concurrent.ConcurrentHashMap;",
            "class Tallies {",
            "  private final Map<String, Integer> counts = new HashMap<>();",
            "  private final Map<String, BigDecimal> totals = new ConcurrentHashMap<>();",
            "  @IdempotentHandler",
            "  void on(String sku, int qty, BigDecimal amount) {",
            "    // BUG: Diagnostic contains: `counts.merge(…)` adds again",
            "    counts.merge(sku, qty, Integer::sum);",
            "    // BUG: Diagnostic contains: `totals.merge(…)`",
            "    totals.merge(sku, amount, BigDecimal::add);",
            "    // BUG: Diagnostic contains: `counts.compute(…)` changes again",
            "    counts.compute(sku, (k, v) -> v == null ? qty : v + qty);",
            "    // BUG: Diagnostic contains: `counts.computeIfPresent(…)`",
            "    counts.computeIfPresent(sku, (k, v) -> v - qty);",
            "    // BUG: Diagnostic contains: `counts.put(…)` adds again",
            "    counts.put(sku, counts.getOrDefault(sku, 0) + qty);",
            "    int current = counts.getOrDefault(sku, 0);",
            "    // BUG: Diagnostic contains: `counts.put(…)`",
            "    counts.put(sku, current + 1);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void idempotentMapWritesStaySilent() {
    helper
        .addSourceLines(
            "Latest.java",
            "import io.idempo.IdempotentHandler;",
            "import java.util.ArrayList;",
            "import java.util.HashMap;",
            "import java.util.HashSet;",
            "import java.util.List;",
            "import java.util.Map;",
            "import java.util.Set;",
            "class Latest {",
            "  private final Map<String, Integer> latest = new HashMap<>();",
            "  private final Map<String, List<String>> byKey = new HashMap<>();",
            "  private final Set<String> seen = new HashSet<>();",
            "  @IdempotentHandler",
            "  void on(String sku, int qty) {",
            "    latest.put(sku, qty);",
            "    latest.putIfAbsent(sku, qty);",
            "    latest.merge(sku, qty, Math::max);",
            "    latest.merge(sku, qty, (a, b) -> b);",
            "    latest.compute(sku, (k, v) -> v == null ? qty : v);",
            "    latest.computeIfAbsent(sku, k -> qty);",
            "    latest.remove(\"old\");",
            "    seen.add(sku);",
            "    Map<String, Integer> local = new HashMap<>();",
            "    local.merge(sku, qty, Integer::sum);",
            "    List<String> scratch = new ArrayList<>();",
            "    scratch.add(sku);",
            "    byKey.put(sku, scratch);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void appendsToLastingListsAndQueuesAreFlagged() {
    helper
        .addSourceLines(
            "Outbox.java",
            "import io.idempo.IdempotentHandler;",
            "import java.util.ArrayDeque;",
            "import java.util.ArrayList;",
            "import java.util.Deque;",
            "import java.util.HashMap;",
            "import java.util.List;",
            "import java.util.Map;",
            "import java.util.Queue;",
            "import java.util.concurrent.ConcurrentLinkedQueue;",
            "class Outbox {",
            "  private final List<String> sent = new ArrayList<>();",
            "  private final Queue<String> pending = new ConcurrentLinkedQueue<>();",
            "  private final Deque<String> recent = new ArrayDeque<>();",
            "  private final Map<String, List<String>> byCustomer = new HashMap<>();",
            "  @IdempotentHandler",
            "  void on(Account account, String event, List<String> more) {",
            "    // BUG: Diagnostic contains: `sent.add(…)` appends a duplicate",
            "    sent.add(event);",
            "    // BUG: Diagnostic contains: `pending.offer(…)`",
            "    pending.offer(event);",
            "    // BUG: Diagnostic contains: `recent.push(…)`",
            "    recent.push(event);",
            "    // BUG: Diagnostic contains: `sent.addAll(…)`",
            "    sent.addAll(more);",
            "    // BUG: Diagnostic contains: `account.getEvents().add(…)`",
            "    account.getEvents().add(event);",
            "    // BUG: Diagnostic contains: key the entry by the message",
            "    byCustomer.computeIfAbsent(event, k -> new ArrayList<>()).add(event);",
            "    // BUG: Diagnostic contains: `Collections.addAll(sent, …)`",
            "    java.util.Collections.addAll(sent, event, event);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void appendsToFreshCollectionsStaySilent() {
    helper
        .addSourceLines(
            "Report.java",
            "import io.idempo.IdempotentHandler;",
            "import java.util.ArrayList;",
            "import java.util.HashSet;",
            "import java.util.List;",
            "import java.util.Set;",
            "import java.util.stream.Collectors;",
            "class Report {",
            "  private List<String> last = new ArrayList<>();",
            "  private final Set<String> tags = new HashSet<>();",
            "  @IdempotentHandler",
            "  void on(Account account, String event) {",
            "    List<String> lines = new ArrayList<>();",
            "    lines.add(event);",
            "    List<String> copy = new ArrayList<>(account.getEvents());",
            "    copy.add(event);",
            "    List<String> upper = account.getEvents().stream().map(String::toUpperCase)",
            "        .collect(Collectors.toList());",
            "    upper.add(event);",
            "    tags.add(event);",
            "    tags.addAll(lines);",
            "    last = lines;",
            "    StringBuilder text = new StringBuilder();",
            "    text.append(event);",
            "  }",
            "}")
        .doTest();
  }
}
