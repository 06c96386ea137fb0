package com.acme.shipping;

import io.idempo.IdempotentHandler;

public final class Handlers {
  private Handlers() {}

  public enum Carrier {
    DHL,
    UPS
  }

  public record Shipped(Carrier carrier, String trackingCode) {}

  static class ShipmentHandler {
    int shipments;

    @IdempotentHandler(key = "event.carrier")
    public void onShipped(Shipped event) {
      shipments++;
    }
  }
}
