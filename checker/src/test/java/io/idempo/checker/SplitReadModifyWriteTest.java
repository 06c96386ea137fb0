package io.idempo.checker;

import org.junit.jupiter.api.Test;

/**
 * A read-modify-write split over two calls on the same object: the handler reads through it,
 * computes the new value, and a write through it stores the result.
 */
class SplitReadModifyWriteTest {

  @Test
  void aWriteFedByAReadThroughTheSameObjectIsReported() {
    Sources.helper(getClass())
        .addSourceLines(
            "shop/StockService.java",
            "package shop;",
            "public class StockService {",
            "  private final java.util.Map<String, Integer> levels = new java.util.HashMap<>();",
            "  public int getLevel(String sku) { return levels.getOrDefault(sku, 0); }",
            "  public void updateLevel(String sku, int level) { levels.put(sku, level); }",
            "  public void setNote(String sku, String note) { }",
            "  public int getPrice(String sku) { return 3; }",
            "  public void setTotal(String sku, int total) { levels.put(sku + \"/total\", total); }",
            "}")
        .addSourceLines(
            "shop/Product.java",
            "package shop;",
            "public class Product {",
            "  private int stock;",
            "  public int getStock() { return stock; }",
            "}")
        .addSourceLines(
            "shop/Products.java",
            "package shop;",
            "public interface Products {",
            "  java.util.Optional<Product> findById(String id);",
            "  int updateStock(String id, int stock);",
            "}")
        .addSourceLines(
            "shop/Listener.java",
            "package shop;",
            "import io.idempo.IdempotentHandler;",
            "class Listener {",
            "  private StockService stock;",
            "  private Products products;",
            "  @IdempotentHandler void reserve(String sku, int q) {",
            "    int level = stock.getLevel(sku);",
            "    // BUG: Diagnostic contains: `stock.updateLevel(…)` fed by a value read through `stock`",
            "    stock.updateLevel(sku, level - q);",
            "  }",
            "  @IdempotentHandler void restock(String id, int q) {",
            "    Product p = products.findById(id).orElseThrow();",
            "    // BUG: Diagnostic contains: `products.updateStock(…)` fed by a value read through",
            "    products.updateStock(id, p.getStock() + q);",
            "  }",
            "  @IdempotentHandler void absolute(String sku, int level) {",
            "    stock.updateLevel(sku, level);",
            "    products.updateStock(sku, level);",
            "  }",
            "  @IdempotentHandler void noWrite(String sku, int q) {",
            "    stock.setNote(sku, \"level \" + (stock.getLevel(sku) - q));",
            "  }",
            "  @IdempotentHandler void anotherProperty(String sku, int q) {",
            "    stock.setTotal(sku, stock.getPrice(sku) * q);",
            "  }",
            "}")
        .doTest();
  }
}
