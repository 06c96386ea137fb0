package io.idempo.spring;

import io.idempo.runtime.HandlerDescriptor;
import io.idempo.runtime.IdempotencyListener;
import java.time.Duration;
import java.util.List;

/**
 * Passes each store event to every {@link IdempotencyListener} bean of the application, in order.
 * One listener that throws does not keep the event from the others.
 */
final class ListenerFanOut implements IdempotencyListener {

  private static final System.Logger LOG = System.getLogger(ListenerFanOut.class.getName());

  private final List<IdempotencyListener> listeners;

  private ListenerFanOut(List<IdempotencyListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  static IdempotencyListener of(List<IdempotencyListener> listeners) {
    return switch (listeners.size()) {
      case 0 -> IdempotencyListener.NONE;
      case 1 -> listeners.get(0);
      default -> new ListenerFanOut(listeners);
    };
  }

  @Override
  public void claimed(HandlerDescriptor handler, String key) {
    each(l -> l.claimed(handler, key));
  }

  @Override
  public void expired(HandlerDescriptor handler, String key) {
    each(l -> l.expired(handler, key));
  }

  @Override
  public void duplicate(HandlerDescriptor handler, String key) {
    each(l -> l.duplicate(handler, key));
  }

  @Override
  public void inProgress(HandlerDescriptor handler, String key) {
    each(l -> l.inProgress(handler, key));
  }

  @Override
  public void claimTimed(HandlerDescriptor handler, String key, Duration duration) {
    each(l -> l.claimTimed(handler, key, duration));
  }

  @Override
  public void completed(HandlerDescriptor handler, String key) {
    each(l -> l.completed(handler, key));
  }

  @Override
  public void released(HandlerDescriptor handler, String key, Throwable failure) {
    each(l -> l.released(handler, key, failure));
  }

  @Override
  public void purged(long count) {
    each(l -> l.purged(count));
  }

  private void each(java.util.function.Consumer<IdempotencyListener> event) {
    for (IdempotencyListener listener : listeners) {
      try {
        event.accept(listener);
      } catch (RuntimeException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "IdempotencyListener " + listener.getClass().getName() + " threw",
            e);
      }
    }
  }
}
