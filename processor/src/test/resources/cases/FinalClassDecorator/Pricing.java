package com.acme.pricing;

import java.math.BigDecimal;

public interface Pricing {
  BigDecimal quote(String sku, int quantity);

  <T extends Comparable<T>> T max(T a, T b);
}
