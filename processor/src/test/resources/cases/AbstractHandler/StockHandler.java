package com.acme.stock;

import io.idempo.IdempotentHandler;
import java.io.Serializable;
import java.time.LocalDate;

public abstract class StockHandler implements Serializable {
  private static final long serialVersionUID = 1L;

  public record Restocked(String sku, LocalDate day) {}

  protected abstract void apply(String sku);

  @IdempotentHandler(key = "event.day")
  public void onRestocked(Restocked event) {
    apply(event.sku());
  }
}
