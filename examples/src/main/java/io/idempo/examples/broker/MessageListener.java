package io.idempo.examples.broker;

/**
 * Receives the messages of a subscription, in the shape of the listener interfaces of Kafka, JMS
 * or AMQP clients. The broker acknowledges a message when {@link #onMessage} returns, and delivers
 * it again when it throws or when the consumer dies before the acknowledgement.
 *
 * @param <T> the message type
 */
@FunctionalInterface
public interface MessageListener<T> {

  /**
   * Handles one delivery of {@code message}. The same message may arrive again later.
   *
   * @throws Exception to have the message delivered again
   */
  void onMessage(T message) throws Exception;
}
