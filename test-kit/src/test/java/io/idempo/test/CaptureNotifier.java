package io.idempo.test;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.idempo.IdempotentHandler;
import io.idempo.runtime.outbox.Outbox;
import io.idempo.runtime.outbox.OutboxMessage;

/** Sends {@code payments.captured} for a payment: once per delivery, so once only when wrapped. */
public class CaptureNotifier {

  private final Outbox outbox;

  public CaptureNotifier(Outbox outbox) {
    this.outbox = outbox;
  }

  static OutboxMessage captured(Payment payment) {
    return OutboxMessage.of(
        "payments.captured", payment.id(), ("captured " + payment.amountCents()).getBytes(UTF_8));
  }

  @IdempotentHandler(key = "payment.id", name = "announce")
  public void announce(Payment payment) {
    outbox.send(captured(payment));
  }
}
