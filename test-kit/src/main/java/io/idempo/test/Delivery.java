package io.idempo.test;

/**
 * Delivers one message to the handler under test, as a broker would: usually a method reference,
 * {@code handler::capture} or {@code listener::onMessage}. A delivery that throws is one the broker
 * would deliver again.
 *
 * @param <M> the message type
 */
@FunctionalInterface
public interface Delivery<M> {

  /** Hands {@code message} to the handler once. */
  void deliver(M message) throws Exception;
}
