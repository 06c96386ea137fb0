package io.idempo.checker;

import com.google.errorprone.CompilationTestHelper;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A large generated source set: two hundred handlers built from statement templates whose outcome
 * is known, mixed with non-handler methods, nested blocks, lambdas, switch expressions, local
 * records and anonymous classes. It checks that the check neither crashes nor drifts: every
 * flagged template must be reported on its line and every silent one must stay silent.
 */
class GeneratedSourcesTest {

  private static final int HANDLERS = 200;

  /** A template: its lines, and the index of the line that must be flagged (or -1). */
  private record Template(String marker, int flaggedLine, List<String> lines) {
    Template(String marker, int flaggedLine, String... lines) {
      this(marker, flaggedLine, List.of(lines));
    }
  }

  private static final List<Template> TEMPLATES =
      List.of(
          new Template("`total += …`", 0, "total += amount;"),
          new Template("`count++`", 0, "count++;"),
          new Template("`setBalance(…)`", 0, "acct.setBalance(acct.getBalance() + amount);"),
          new Template("`hits.incrementAndGet()`", 0, "hits.incrementAndGet();"),
          new Template("`counts.merge(…)`", 0, "counts.merge(id, 1, Integer::sum);"),
          new Template("`log.add(…)`", 0, "log.add(id);"),
          new Template(
              "`setBalance(…)`", 1, "long n$ = acct.getBalance() - amount;", "acct.setBalance(n$);"),
          new Template("`Service.credit`", 0, "service.credit(acct, amount);"),
          new Template(
              "SET n = n + 1`", 0, "jdbc.update(\"UPDATE t SET n = n + 1 WHERE id = ?\", id);"),
          new Template("`setQty(…)`", 0, "items.forEach(it -> it.setQty(it.getQty() + 1));"),
          new Template("`perDay[…] += …`", 0, "perDay[(int) (amount % 7)] += amount;"),
          new Template(null, -1, "name = id;"),
          new Template(null, -1, "seen.add(id);"),
          new Template(null, -1, "counts.put(id, 1);"),
          new Template(null, -1, "hits.set(amount);"),
          new Template(null, -1, "total = Math.max(total, amount);"),
          new Template(
              null, -1, "long local$ = 0;", "local$ += amount;", "acct.setLastAmount(local$);"),
          new Template(
              null,
              -1,
              "Account a$ = accounts.get(id);",
              "if (a$.getStatus() == Status.NEW) {",
              "  a$.setStatus(Status.PAID);",
              "  a$.setBalance(a$.getBalance() - amount);",
              "}"),
          new Template(
              "`setBalance(…)`",
              2,
              "if (acct.getStatus() == Status.NEW) {",
              "  acct.setStatus(Status.PAID);",
              "  acct.setBalance(acct.getBalance() - amount);",
              "}"),
          new Template(null, -1, "if (seen.add(id + \"$\")) {", "  total += amount;", "}"),
          new Template(
              null, -1, "jdbc.update(\"UPDATE t SET n = ? WHERE id = ?\", amount, id);"),
          new Template(null, -1, "service.rename(acct, id);"),
          new Template(null, -1, "List<String> tmp$ = new ArrayList<>();", "tmp$.add(id);"),
          new Template(
              null,
              -1,
              "if (processed.existsById(id)) {",
              "  return;",
              "}",
              "total += amount;",
              "processed.save(id);"),
          new Template(
              null, -1, "int s$ = switch ((int) (amount % 3)) {", "  case 0 -> 1;", "  default -> 2;",
              "};", "name = String.valueOf(s$);"),
          new Template(
              null,
              -1,
              "try {",
              "  name = String.valueOf(amount);",
              "} catch (RuntimeException e$) {",
              "  name = \"\";",
              "}"),
          new Template(
              null, -1, "Runnable r$ = new Runnable() {", "  @Override public void run() { }", "};"),
          new Template(null, -1, "record P$(int a) {}", "name = new P$(1).toString();"),
          new Template(null, -1, "name = String.valueOf(fib((int) (amount % 10)));"),
          new Template(null, -1, "Service fresh$ = new Service();", "fresh$.credit(new Account(), amount);"));

  @Test
  void manyVariedHandlersAreCheckedWithoutCrashOrDrift() {
    Random random = new Random(20261127L);
    List<String> lines = new ArrayList<>();
    lines.add("package gen;");
    lines.add("import io.idempo.IdempotentHandler;");
    lines.add("import java.util.*;");
    lines.add("import java.util.concurrent.atomic.AtomicLong;");
    lines.add("class Handlers {");
    lines.add("  private long total; private int count; private String name = \"\";");
    lines.add("  private final long[] perDay = new long[7];");
    lines.add("  private final List<String> log = new ArrayList<>();");
    lines.add("  private final Set<String> seen = new HashSet<>();");
    lines.add("  private final Map<String, Integer> counts = new HashMap<>();");
    lines.add("  private final AtomicLong hits = new AtomicLong();");
    lines.add("  private final Map<String, Account> accounts = new HashMap<>();");
    lines.add("  private Service service; private Jdbc jdbc; private Processed processed;");
    lines.add("  static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }");
    int counter = 0;
    for (int h = 0; h < HANDLERS; h++) {
      boolean handler = h % 5 != 4;
      if (handler) {
        lines.add("  @IdempotentHandler");
      }
      lines.add("  void on" + h + "(String id, long amount, Account acct, List<Item> items) {");
      int statements = 3 + random.nextInt(4);
      for (int s = 0; s < statements; s++) {
        Template template = TEMPLATES.get(random.nextInt(TEMPLATES.size()));
        String suffix = String.valueOf(counter++);
        lines.add("    {");
        for (int i = 0; i < template.lines().size(); i++) {
          if (handler && i == template.flaggedLine()) {
            lines.add("      // BUG: Diagnostic contains: " + template.marker());
          }
          lines.add("      " + template.lines().get(i).replace("$", suffix));
        }
        lines.add("    }");
      }
      lines.add("  }");
    }
    lines.add("}");

    CompilationTestHelper helper =
        Sources.helper(getClass())
            .addSourceLines(
                "gen/Account.java",
                "package gen;",
                "class Account {",
                "  enum Status { NEW, PAID }",
                "  private long balance; private long lastAmount; private String name;",
                "  private Status status = Status.NEW;",
                "  long getBalance() { return balance; }",
                "  void setBalance(long b) { balance = b; }",
                "  void setLastAmount(long a) { lastAmount = a; }",
                "  void setName(String n) { name = n; }",
                "  Status getStatus() { return status; }",
                "  void setStatus(Status s) { status = s; }",
                "}")
            .addSourceLines(
                "gen/Status.java", "package gen;", "final class Status {",
                "  static final Account.Status NEW = Account.Status.NEW;",
                "  static final Account.Status PAID = Account.Status.PAID;", "}")
            .addSourceLines(
                "gen/Item.java",
                "package gen;",
                "class Item { private int qty; int getQty() { return qty; } void setQty(int q) { qty = q; } }")
            .addSourceLines(
                "gen/Service.java",
                "package gen;",
                "class Service {",
                "  void credit(Account a, long amount) { a.setBalance(a.getBalance() + amount); }",
                "  void rename(Account a, String n) { a.setName(n); }",
                "}")
            .addSourceLines(
                "gen/Jdbc.java", "package gen;", "interface Jdbc { int update(String sql, Object... args); }")
            .addSourceLines(
                "gen/Processed.java",
                "package gen;",
                "interface Processed { boolean existsById(String id); void save(String id); }")
            .addSourceLines("gen/Handlers.java", lines.toArray(new String[0]));
    helper.doTest();
  }
}
