package com.acme.shipping;

import io.idempo.IdempotentHandler;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Results without a built-in codec, stored as JSON because Jackson is on the classpath. */
public class Shipping {
  public record Order(String id, List<String> skus) {}

  public record Label(String orderId, String carrier, Instant printedAt) {}

  @IdempotentHandler(key = "order.id")
  public Label label(Order order) {
    return new Label(order.id(), "acme-post", Instant.EPOCH);
  }

  @IdempotentHandler(key = "order.id", name = "shipping-labels")
  public List<Label> labels(Order order) {
    return List.of(label(order));
  }

  @IdempotentHandler(key = "order.id", name = "shipping-by-sku")
  public Map<String, Optional<Label>> bySku(Order order) {
    return Map.of(order.skus().get(0), Optional.empty());
  }

  @IdempotentHandler(key = "order.id", name = "shipping-weights")
  public int[] weights(Order order) {
    return new int[] {order.skus().size()};
  }

  @IdempotentHandler(key = "order.id", name = "shipping-status")
  public String status(Order order) {
    return "shipped " + order.id();
  }
}
