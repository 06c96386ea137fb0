package com.acme.orders;

import java.util.UUID;

public record OrderPlaced(String orderId, Customer customer, long amountCents) {
  public record Customer(UUID id, String email) {}
}
