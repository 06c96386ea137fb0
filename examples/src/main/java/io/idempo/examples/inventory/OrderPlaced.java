package io.idempo.examples.inventory;

import java.util.Objects;

/**
 * The shop's event: order {@code orderId} asks for {@code quantity} units of {@code sku}.
 *
 * @param orderId the order, unique per order and the same on every delivery
 * @param sku the stock-keeping unit ordered
 * @param quantity how many units
 */
public record OrderPlaced(String orderId, String sku, int quantity) {

  public OrderPlaced {
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(sku, "sku");
    if (quantity <= 0) {
      throw new IllegalArgumentException(
          "quantity of order " + orderId + " must be positive, was " + quantity);
    }
  }
}
