package io.idempo.checker;

import com.google.errorprone.CompilationTestHelper;
import org.junit.jupiter.api.Test;

/** SQL in string constants and in repository annotations, passed to any call from a handler. */
class SqlTest {

  private final CompilationTestHelper helper =
      Sources.helper(getClass())
          .addSourceLines(
              "Jdbc.java",
              "interface Jdbc {",
              "  int update(String sql, Object... args);",
              "}")
          .addSourceLines(
              "Query.java",
              "import java.lang.annotation.*;",
              "@Retention(RetentionPolicy.RUNTIME) @interface Query { String value(); }")
          .addSourceLines(
              "AccountRepository.java",
              "interface AccountRepository {",
              "  @Query(\"update Account a set a.balance = a.balance + :amount where a.id = :id\")",
              "  int credit(String id, long amount);",
              "  @Query(\"update Account a set a.balance = :amount where a.id = :id\")",
              "  int reset(String id, long amount);",
              "}");

  @Test
  void relativeUpdatesAreFlagged() {
    helper
        .addSourceLines(
            "Credits.java",
            "import io.idempo.IdempotentHandler;",
            "class Credits {",
            "  private static final String CREDIT = \"UPDATE account SET balance = balance + ? \"",
            "      + \"WHERE id = ?\";",
            "  private Jdbc jdbc;",
            "  private AccountRepository accounts;",
            "  @IdempotentHandler",
            "  void on(String id, long amount) {",
            "    // BUG: Diagnostic contains: `UPDATE … SET balance = balance + ?` changes the row again",
            "    jdbc.update(CREDIT, amount, id);",
            "    // BUG: Diagnostic contains: SET qty = qty - ?`",
            "    jdbc.update(\"UPDATE stock SET qty = qty - ? WHERE sku = ?\", amount, id);",
            "    String sql = \"\"\"",
            "        UPDATE counters",
            "           SET hits = hits + 1",
            "         WHERE id = ?",
            "        \"\"\";",
            "    // BUG: Diagnostic contains: SET hits = hits + 1`",
            "    jdbc.update(sql, id);",
            "    // BUG: Diagnostic contains: SET a.balance = a.balance + :amount`",
            "    accounts.credit(id, amount);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void absoluteAndGuardedSqlStaysSilent() {
    helper
        .addSourceLines(
            "Absolute.java",
            "import io.idempo.IdempotentHandler;",
            "class Absolute {",
            "  private Jdbc jdbc;",
            "  private AccountRepository accounts;",
            "  @IdempotentHandler",
            "  void on(String id, long amount) {",
            "    jdbc.update(\"UPDATE account SET balance = ? WHERE id = ?\", amount, id);",
            "    jdbc.update(\"INSERT INTO ledger (event_id, amount) VALUES (?, ?) ON CONFLICT DO NOTHING\", id, amount);",
            "    jdbc.update(\"UPDATE orders SET status = 'PAID', paid = paid + ? WHERE id = ? AND status = 'NEW'\", amount, id);",
            "    jdbc.update(\"SELECT balance + 1 FROM account\");",
            "    accounts.reset(id, amount);",
            "  }",
            "  void notAHandler(String id) {",
            "    jdbc.update(\"UPDATE account SET balance = balance + 1 WHERE id = ?\", id);",
            "  }",
            "}")
        .doTest();
  }
}
