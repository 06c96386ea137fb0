package com.acme.billing;

import io.idempo.IdempotentHandler;
import io.idempo.runtime.ResultCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

public class Billing {
  public enum Status {
    PAID,
    DECLINED
  }

  public record Invoice(String id, long totalCents) {}

  public record Receipt(String invoiceId, long cents) {}

  public static final class ReceiptCodec implements ResultCodec<Receipt> {
    @Override
    public byte[] encode(Receipt value) {
      return (value.invoiceId() + ":" + value.cents()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Receipt decode(byte[] bytes) {
      String[] parts = new String(bytes, StandardCharsets.UTF_8).split(":", 2);
      return new Receipt(parts[0], Long.parseLong(parts[1]));
    }
  }

  @IdempotentHandler(key = "invoice.id")
  public long total(Invoice invoice) {
    return invoice.totalCents();
  }

  @IdempotentHandler(key = "invoice.id", name = "billing-charge")
  public Status charge(Invoice invoice) {
    return invoice.totalCents() > 0 ? Status.PAID : Status.DECLINED;
  }

  @IdempotentHandler(key = "invoice.id", name = "billing-receipt", codec = ReceiptCodec.class)
  public Receipt receipt(Invoice invoice) {
    return new Receipt(invoice.id(), invoice.totalCents());
  }

  @IdempotentHandler(key = "invoice.id", name = "billing-pdf")
  public byte[] pdf(Invoice invoice) {
    return invoice.id().getBytes(StandardCharsets.UTF_8);
  }

  @IdempotentHandler(key = "invoice.totalCents", name = "billing-due")
  public Instant due(Invoice invoice) {
    return Instant.ofEpochSecond(invoice.totalCents());
  }
}
