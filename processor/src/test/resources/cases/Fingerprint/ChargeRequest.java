package com.acme.payments;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

public record ChargeRequest(
    BigDecimal amount, Currency currency, Customer customer, List<Line> lines) {
  public enum Currency { EUR, USD }

  public record Customer(UUID id, String email) {}

  public record Line(String sku, int quantity) {}
}
