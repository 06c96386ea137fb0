package io.idempo.test.kafka;

import io.idempo.IdempotentHandler;
import org.springframework.kafka.core.KafkaOperations;

/** Announces a captured payment on Kafka: once per delivery, so once only when wrapped. */
public class CaptureAnnouncer {

  /** The message of these tests. */
  public record Captured(String paymentId, long amountCents) {}

  private final KafkaOperations<String, String> kafka;

  public CaptureAnnouncer(KafkaOperations<String, String> kafka) {
    this.kafka = kafka;
  }

  @IdempotentHandler(key = "captured.paymentId", name = "announce")
  public void announce(Captured captured) {
    kafka.send("payments.captured", captured.paymentId(), "captured " + captured.amountCents()).join();
  }
}
