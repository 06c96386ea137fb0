package io.idempo.runtime.outbox;

import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A message as the relay hands it to a {@link MessagePublisher}: the {@link OutboxMessage} with the
 * id it got at {@link Outbox#send}, when it was sent, and which publish attempt this is. Every
 * attempt, including a re-publish after a relay crash, carries the same {@link #id()}: consumers use
 * it as their idempotency key.
 */
public final class OutboxEnvelope {

  private final UUID id;
  private final long position;
  private final OutboxMessage message;
  private final Instant createdAt;
  private final int attempt;

  /**
   * Creates an envelope. The relay makes them from outbox rows; tests and publishers may make their
   * own.
   *
   * @param id the message id
   * @param position the row's position in the outbox (increasing in the order of sending)
   * @param message the message
   * @param createdAt when {@link Outbox#send} wrote it
   * @param attempt 1 for the first publish attempt, 2 for the next, and so on
   */
  public OutboxEnvelope(UUID id, long position, OutboxMessage message, Instant createdAt, int attempt) {
    this.id = Objects.requireNonNull(id, "id");
    this.position = position;
    this.message = Objects.requireNonNull(message, "message");
    this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1, was " + attempt);
    }
    this.attempt = attempt;
  }

  /** The message id, stable across every publish of this message. */
  public UUID id() {
    return id;
  }

  /** The row's position in the outbox: increasing in the order messages were written. */
  public long position() {
    return position;
  }

  /** The message as sent. */
  public OutboxMessage message() {
    return message;
  }

  public String destination() {
    return message.destination();
  }

  public String key() {
    return message.key();
  }

  /** A copy of the payload. */
  public byte[] payload() {
    return message.payload();
  }

  public Map<String, String> headers() {
    return message.headers();
  }

  /** When the message was written to the outbox. */
  public Instant createdAt() {
    return createdAt;
  }

  /** 1 for the first publish attempt; more after failures or a relay crash before marking it sent. */
  public int attempt() {
    return attempt;
  }

  @Override
  public boolean equals(Object other) {
    if (this == other) {
      return true;
    }
    if (!(other instanceof OutboxEnvelope that)) {
      return false;
    }
    return id.equals(that.id)
        && position == that.position
        && message.destination().equals(that.message.destination())
        && message.key().equals(that.message.key())
        && Arrays.equals(message.payload(), that.message.payload())
        && message.headers().equals(that.message.headers())
        && createdAt.equals(that.createdAt)
        && attempt == that.attempt;
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, position, createdAt, attempt);
  }

  @Override
  public String toString() {
    return "OutboxEnvelope{id="
        + id
        + ", position="
        + position
        + ", destination="
        + message.destination()
        + ", key="
        + message.key()
        + ", attempt="
        + attempt
        + "}";
  }
}
