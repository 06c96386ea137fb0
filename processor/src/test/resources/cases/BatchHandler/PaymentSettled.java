package com.acme.payments;

import java.util.UUID;

public record PaymentSettled(String paymentId, Customer customer, long amountCents) {
  public record Customer(UUID id, String email) {}
}
