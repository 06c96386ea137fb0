package io.idempo.runtime.outbox;

/**
 * Hands outbox messages to a broker: the one thing an {@link OutboxRelay} needs to know about it.
 * An adapter for Kafka, RabbitMQ or JMS sends {@link OutboxEnvelope#payload()} to {@link
 * OutboxEnvelope#destination()} with {@link OutboxEnvelope#key()} as the partition or routing key,
 * and puts {@link OutboxEnvelope#id()} in a header (for example {@code message-id}) for the
 * consumer's dedup.
 *
 * <p>{@link #publish} returns only once the broker has accepted the message (for Kafka, the send's
 * future completed with acks=all), and throws otherwise. The relay marks a message sent only after
 * {@code publish} returned; a crash in between makes it publish the message again, with the same
 * id.
 */
@FunctionalInterface
public interface MessagePublisher {

  /**
   * Publishes {@code message}, blocking until the broker has accepted it.
   *
   * @throws Exception if the broker did not accept it; the relay retries later, with backoff,
   *     and publishes no later message of the same destination and key before this one
   */
  void publish(OutboxEnvelope message) throws Exception;
}
