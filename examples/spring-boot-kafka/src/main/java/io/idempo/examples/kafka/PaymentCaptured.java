package io.idempo.examples.kafka;

/** Emitted through the outbox once a payment is booked, as JSON on the captured topic. */
public record PaymentCaptured(String paymentId, String accountId, long amountCents) {

  /** The value of the outbox message's {@code type} header. */
  public static final String TYPE = "PaymentCaptured";
}
