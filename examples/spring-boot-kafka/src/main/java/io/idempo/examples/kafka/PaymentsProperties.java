package io.idempo.examples.kafka;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code payments.*} properties.
 *
 * @param topic the topic of incoming payment events
 * @param capturedTopic the topic the outbox relay publishes {@code PaymentCaptured} to
 * @param batchTopic the topic of incoming payment events that {@link BatchPaymentsConsumer} reads
 *     a batch at a time
 * @param demo the demo traffic the service sends itself at startup
 */
@ConfigurationProperties("payments")
public record PaymentsProperties(
    @DefaultValue("payments") String topic,
    @DefaultValue("payments.captured") String capturedTopic,
    @DefaultValue("payments.batches") String batchTopic,
    @DefaultValue Demo demo) {

  /**
   * Demo traffic.
   *
   * @param events distinct payment events to publish at startup; 0 sends none
   * @param duplicateEvery every this many events, one is published a second time
   * @param exitWhenDone stop the service once every event was booked and audited
   */
  public record Demo(
      @DefaultValue("0") int events,
      @DefaultValue("4") int duplicateEvery,
      @DefaultValue("false") boolean exitWhenDone) {}
}
