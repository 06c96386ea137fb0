package io.idempo.checker;

import com.google.errorprone.CompilationTestHelper;
import org.junit.jupiter.api.Test;

/**
 * Spring Cloud Stream's functional handlers: {@code @Bean} methods that return a {@code Consumer}
 * or {@code Function}. With {@code HandlerBeanAnnotations}, the lambda they return and the method
 * they refer to are handlers.
 */
class FunctionalHandlersTest {

  private CompilationTestHelper helper(String... flags) {
    return Sources.helper(getClass(), flags)
        .addSourceLines(
            "Bean.java",
            "package org.springframework.context.annotation;",
            "public @interface Bean {}")
        .addSourceLines(
            "shop/Stock.java",
            "package shop;",
            "public class Stock {",
            "  private int level;",
            "  public int getLevel() { return level; }",
            "  public void setLevel(int l) { level = l; }",
            "}")
        .addSourceLines(
            "shop/Inventory.java",
            "package shop;",
            "public class Inventory {",
            "  private final java.util.Map<String, Stock> stock = new java.util.HashMap<>();",
            "  public void reserve(OrderCreated order) {",
            "    Stock s = stock.get(order.sku());",
            "    s.setLevel(s.getLevel() - order.quantity());",
            "  }",
            "  public void remember(OrderCreated order) {",
            "    stock.put(order.sku(), new Stock());",
            "  }",
            "}")
        .addSourceLines(
            "shop/Paid.java",
            "package shop;",
            "public class Paid {",
            "  private String status;",
            "  public String getStatus() { return status; }",
            "  public void setStatus(String s) { status = s; }",
            "}")
        .addSourceLines(
            "shop/OrderCreated.java",
            "package shop;",
            "public record OrderCreated(String sku, int quantity) {}");
  }

  private static final String BEANS =
      "-XepOpt:NonIdempotentMutation:HandlerBeanAnnotations="
          + "org.springframework.context.annotation.Bean";

  @Test
  void lambdasAndMethodReferencesReturnedByBeansAreHandlers() {
    helper(BEANS)
        .addSourceLines(
            "shop/Streams.java",
            "package shop;",
            "import java.util.function.Consumer;",
            "import java.util.function.Function;",
            "import org.springframework.context.annotation.Bean;",
            "class Streams {",
            "  private int received;",
            "  @Bean Consumer<OrderCreated> reserve(Inventory inventory) {",
            "    // BUG: Diagnostic contains: `Inventory.reserve`",
            "    return inventory::reserve;",
            "  }",
            "  @Bean Consumer<OrderCreated> count() {",
            "    return order -> {",
            "      // BUG: Diagnostic contains: `received++`",
            "      received++;",
            "    };",
            "  }",
            "  @Bean Function<OrderCreated, String> echo(Inventory inventory) {",
            "    return order -> {",
            "      inventory.remember(order);",
            "      return order.sku();",
            "    };",
            "  }",
            "  @Bean Consumer<OrderCreated> remember(Inventory inventory) {",
            "    return inventory::remember;",
            "  }",
            "  @Bean Consumer<Paid> guardedByTheMessage() {",
            "    return paid -> {",
            "      if (paid.getStatus().equals(\"NEW\")) {",
            "        paid.setStatus(\"DONE\");",
            "        // BUG: Diagnostic contains: `received++`",
            "        received++;",
            "      }",
            "    };",
            "  }",
            "  @Bean Runnable notAHandler() {",
            "    return () -> received++;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void withoutTheFlagBeansAreNoHandlers() {
    helper()
        .addSourceLines(
            "shop/Streams.java",
            "package shop;",
            "import java.util.function.Consumer;",
            "import org.springframework.context.annotation.Bean;",
            "class Streams {",
            "  @Bean Consumer<OrderCreated> reserve(Inventory inventory) {",
            "    return inventory::reserve;",
            "  }",
            "}")
        .doTest();
  }
}
