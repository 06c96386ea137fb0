package io.idempo.test;

import io.idempo.runtime.HandlerDescriptor;
import io.idempo.runtime.IdempotencyListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Records what an {@code IdempotencyStore} decided for each delivery, so that a check can tell
 * whether the Idempo wrapper recognised a redelivery (and skipped the handler) or the handler body
 * ran again. Give it to the store as its listener, then to {@link Redelivery#watchingClaims}:
 *
 * <pre>{@code
 * ClaimLog claims = new ClaimLog();
 * JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(dataSource).listener(claims).build();
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class ClaimLog implements IdempotencyListener {

  /** What the store decided. */
  public enum Kind {
    /** A fresh key was claimed: the handler ran. */
    CLAIMED,
    /** An expired record was taken over: the handler ran. */
    EXPIRED,
    /** A completed record was found: the handler did not run, its result was replayed. */
    DUPLICATE,
    /** Another delivery of the key was in flight: this one threw. */
    IN_PROGRESS,
    /** The handler succeeded and its completion was recorded. */
    COMPLETED,
    /** The handler threw and the claim was released. */
    RELEASED
  }

  /**
   * One decision.
   *
   * @param kind what was decided
   * @param handler the handler's name
   * @param key the key as stored
   */
  public record Event(Kind kind, String handler, String key) {
    public Event {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(handler, "handler");
      Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
      return kind + " " + handler + "/" + key;
    }
  }

  private final List<Event> events = new ArrayList<>();

  /** Every decision so far, in order. */
  public synchronized List<Event> events() {
    return List.copyOf(events);
  }

  /** Forgets every decision. */
  public synchronized void clear() {
    events.clear();
  }

  synchronized int mark() {
    return events.size();
  }

  synchronized List<Event> since(int mark) {
    return List.copyOf(events.subList(Math.min(mark, events.size()), events.size()));
  }

  private synchronized void add(Kind kind, HandlerDescriptor handler, String key) {
    events.add(new Event(kind, handler.name(), key));
  }

  @Override
  public void claimed(HandlerDescriptor handler, String key) {
    add(Kind.CLAIMED, handler, key);
  }

  @Override
  public void expired(HandlerDescriptor handler, String key) {
    add(Kind.EXPIRED, handler, key);
  }

  @Override
  public void duplicate(HandlerDescriptor handler, String key) {
    add(Kind.DUPLICATE, handler, key);
  }

  @Override
  public void inProgress(HandlerDescriptor handler, String key) {
    add(Kind.IN_PROGRESS, handler, key);
  }

  @Override
  public void completed(HandlerDescriptor handler, String key) {
    add(Kind.COMPLETED, handler, key);
  }

  @Override
  public void released(HandlerDescriptor handler, String key, Throwable failure) {
    add(Kind.RELEASED, handler, key);
  }
}
