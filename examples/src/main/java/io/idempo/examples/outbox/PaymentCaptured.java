package io.idempo.examples.outbox;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;

/**
 * The event the payments service emits, through its outbox, once a capture is booked. It travels as
 * bytes: {@link #toBytes()} writes {@code paymentId;accountId;amountCents} in UTF-8 (a real service
 * would use JSON, Avro or Protobuf), and {@link #fromBytes(byte[])} reads it back.
 *
 * @param paymentId the captured payment
 * @param accountId the customer account
 * @param amountCents the captured amount, in cents
 */
public record PaymentCaptured(UUID paymentId, String accountId, long amountCents) {

  /** The outbox destination (topic) of these events. */
  public static final String TOPIC = "payments.captured";

  public PaymentCaptured {
    Objects.requireNonNull(paymentId, "paymentId");
    Objects.requireNonNull(accountId, "accountId");
    if (accountId.indexOf(';') >= 0) {
      throw new IllegalArgumentException("accountId must not contain ';': " + accountId);
    }
  }

  /** The wire form. */
  public byte[] toBytes() {
    return (paymentId + ";" + accountId + ";" + amountCents).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads the wire form.
   *
   * @throws IllegalArgumentException if {@code bytes} is not a {@code PaymentCaptured}
   */
  public static PaymentCaptured fromBytes(byte[] bytes) {
    String[] fields = new String(bytes, StandardCharsets.UTF_8).split(";", -1);
    if (fields.length != 3) {
      throw new IllegalArgumentException(
          "not a PaymentCaptured event: expected paymentId;accountId;amountCents, got "
              + fields.length
              + " fields");
    }
    return new PaymentCaptured(UUID.fromString(fields[0]), fields[1], Long.parseLong(fields[2]));
  }
}
