package com.acme.pricing;

import io.idempo.IdempotentHandler;
import java.math.BigDecimal;

public final class PriceService implements Pricing, Audited {
  @IdempotentHandler(key = "sku")
  @Override
  public BigDecimal quote(String sku, int quantity) {
    return BigDecimal.valueOf(quantity);
  }

  @Override
  public <T extends Comparable<T>> T max(T a, T b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  @Override
  public void audit(String... notes) {}
}
