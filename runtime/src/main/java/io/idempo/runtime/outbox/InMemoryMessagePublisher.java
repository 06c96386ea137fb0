package io.idempo.runtime.outbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A {@link MessagePublisher} for tests and examples: it records every message it accepts, in order,
 * and can be told to refuse messages. Thread-safe.
 *
 * <pre>{@code
 * InMemoryMessagePublisher publisher = new InMemoryMessagePublisher();
 * publisher.failWhen(message -> message.key().equals("poison"));   // refuse some
 * relay.runOnce();
 * assertThat(publisher.published()).hasSize(3);
 * }</pre>
 */
public final class InMemoryMessagePublisher implements MessagePublisher {

  private final List<OutboxEnvelope> published = new ArrayList<>();
  /** Null: accept everything. */
  private Predicate<OutboxEnvelope> failWhen;
  private int attempts;

  @Override
  public void publish(OutboxEnvelope message) throws BrokerUnavailableException {
    Objects.requireNonNull(message, "message");
    Predicate<OutboxEnvelope> failing;
    synchronized (this) {
      attempts++;
      failing = failWhen;
    }
    if (failing != null && failing.test(message)) {
      throw new BrokerUnavailableException(
          "in-memory broker refused message " + message.id() + " to " + message.destination());
    }
    synchronized (this) {
      published.add(message);
    }
  }

  /** Refuses (throws from {@link #publish}) every message that matches {@code condition}. */
  public synchronized void failWhen(Predicate<OutboxEnvelope> condition) {
    this.failWhen = Objects.requireNonNull(condition, "condition");
  }

  /** Refuses every message until {@link #recover()}. */
  public void failAll() {
    failWhen(message -> true);
  }

  /** Accepts every message again. */
  public synchronized void recover() {
    this.failWhen = null;
  }

  /** The accepted messages, in the order they were accepted, duplicates included. */
  public synchronized List<OutboxEnvelope> published() {
    return List.copyOf(published);
  }

  /** The ids of the accepted messages, in order, duplicates included. */
  public synchronized List<UUID> publishedIds() {
    List<UUID> ids = new ArrayList<>(published.size());
    for (OutboxEnvelope message : published) {
      ids.add(message.id());
    }
    return ids;
  }

  /** How many times {@link #publish} was called, refused calls included. */
  public synchronized int attempts() {
    return attempts;
  }

  /** Forgets the accepted messages and the attempt count. */
  public synchronized void clear() {
    published.clear();
    attempts = 0;
  }

  /** What {@link InMemoryMessagePublisher#publish} throws for a refused message. */
  public static final class BrokerUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public BrokerUnavailableException(String message) {
      super(message);
    }
  }
}
