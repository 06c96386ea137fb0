package io.idempo.checker;

import com.google.errorprone.CompilationTestHelper;
import org.junit.jupiter.api.Test;

/** The same read-modify-write through local temporaries and arithmetic helpers. */
class TemporaryAndHelperTest {

  private final CompilationTestHelper helper =
      Sources.helper(getClass())
          .addSourceLines(
              "Product.java",
              "import java.math.BigDecimal;",
              "class Product {",
              "  private int stock;",
              "  private BigDecimal price = BigDecimal.ZERO;",
              "  private java.time.Instant expiresAt = java.time.Instant.EPOCH;",
              "  int getStock() { return stock; }",
              "  void setStock(int s) { stock = s; }",
              "  BigDecimal getPrice() { return price; }",
              "  void setPrice(BigDecimal p) { price = p; }",
              "  java.time.Instant getExpiresAt() { return expiresAt; }",
              "  void setExpiresAt(java.time.Instant e) { expiresAt = e; }",
              "}")
          .addSourceLines(
              "Money.java",
              "import java.math.BigDecimal;",
              "final class Money {",
              "  static BigDecimal add(BigDecimal a, BigDecimal b) { return a.add(b); }",
              "  static BigDecimal round(BigDecimal a) { return a; }",
              "}");

  @Test
  void temporariesCarryTheReadToTheWrite() {
    helper
        .addSourceLines(
            "Reserve.java",
            "import io.idempo.IdempotentHandler;",
            "import java.math.BigDecimal;",
            "import java.util.HashMap;",
            "import java.util.Map;",
            "class Reserve {",
            "  private final Map<String, Integer> counts = new HashMap<>();",
            "  @IdempotentHandler",
            "  void on(Product p, int q, String k, BigDecimal fee) {",
            "    int n = p.getStock() - q;",
            "    // BUG: Diagnostic contains: `setStock(…)` fed by its own `stock` subtracts again",
            "    p.setStock(n);",
            "    int c = counts.getOrDefault(k, 0);",
            "    // BUG: Diagnostic contains: `counts.put(…)`",
            "    counts.put(k, c + 1);",
            "    BigDecimal price = p.getPrice();",
            "    BigDecimal next = Money.add(price, fee);",
            "    // BUG: Diagnostic contains: `setPrice(…)` fed by its own `price`",
            "    p.setPrice(next);",
            "    int left = p.getStock();",
            "    left -= q;",
            "    // BUG: Diagnostic contains: `setStock(…)`",
            "    p.setStock(left);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void helpersThatCombineAreFlagged() {
    helper
        .addSourceLines(
            "Fees.java",
            "import io.idempo.IdempotentHandler;",
            "import java.math.BigDecimal;",
            "import java.time.Duration;",
            "class Fees {",
            "  @IdempotentHandler",
            "  void on(Product p, BigDecimal fee, Duration ttl) {",
            "    // BUG: Diagnostic contains: adds again",
            "    p.setPrice(Money.add(p.getPrice(), fee));",
            "    // BUG: Diagnostic contains: `setPrice(…)`",
            "    p.setPrice(Money.round(p.getPrice().multiply(BigDecimal.TEN)));",
            "    // BUG: Diagnostic contains: `setExpiresAt(…)`",
            "    p.setExpiresAt(p.getExpiresAt().plus(ttl));",
            "    // BUG: Diagnostic contains: `setStock(…)`",
            "    p.setStock(Math.addExact(p.getStock(), 1));",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void temporariesThatDoNotReadTheSameStateStaySilent() {
    helper
        .addSourceLines(
            "Reprice.java",
            "import io.idempo.IdempotentHandler;",
            "import java.math.BigDecimal;",
            "import java.time.Instant;",
            "import java.time.Duration;",
            "class Reprice {",
            "  @IdempotentHandler",
            "  void on(Product p, Product other, int q, BigDecimal fee, Instant at, Duration ttl) {",
            "    int n = other.getStock() - q;",
            "    p.setStock(n);",
            "    BigDecimal base = fee.multiply(BigDecimal.TEN);",
            "    p.setPrice(Money.add(base, fee));",
            "    p.setPrice(Money.round(p.getPrice()));",
            "    p.setExpiresAt(at.plus(ttl));",
            "    int current = p.getStock();",
            "    p.setStock(Math.max(current, q));",
            "    int total = 0;",
            "    total += q;",
            "    p.setStock(total);",
            "  }",
            "}")
        .doTest();
  }
}
