package com.acme.orders;

import io.idempo.IdempotentHandler;
import java.util.List;

public class OrderHandler {
  private final List<String> shipped;

  public OrderHandler(List<String> shipped) {
    this.shipped = shipped;
  }

  @IdempotentHandler(key = "event.orderId")
  public void onOrderPlaced(OrderPlaced event) {
    shipped.add(event.orderId());
  }

  @IdempotentHandler(
      key = "event.customer.id",
      name = "welcome-mail",
      ttl = "P30D",
      mode = IdempotentHandler.Mode.LEASE,
      lease = "PT2M")
  public void welcome(OrderPlaced event) {
    shipped.add("welcome " + event.customer().email());
  }
}
