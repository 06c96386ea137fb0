package io.idempo.runtime.outbox;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A message a handler hands to {@link Outbox#send}: where it goes ({@link #destination()}, a topic
 * or queue name), its ordering {@link #key()}, the {@link #payload()} bytes and text {@link
 * #headers()}. Immutable; the payload is copied in and out.
 *
 * <pre>{@code
 * OutboxMessage message =
 *     OutboxMessage.builder("payments.captured", paymentId.toString(), json)
 *         .header("content-type", "application/json")
 *         .build();
 * }</pre>
 *
 * <p>The relay publishes the messages of one {@code (destination, key)} in the order they were sent.
 * Destination and key are at most {@value #MAX_NAME_LENGTH} characters; they, and header names and
 * values, must not contain the NUL character or unpaired UTF-16 surrogates (which a database cannot
 * store as text).
 */
public final class OutboxMessage {

  /** The longest destination or key, in characters (the width of their columns). */
  public static final int MAX_NAME_LENGTH = 255;

  private final UUID id;
  private final String destination;
  private final String key;
  private final byte[] payload;
  private final Map<String, String> headers;

  private OutboxMessage(Builder builder) {
    this.id = builder.id;
    this.destination = builder.destination;
    this.key = builder.key;
    this.payload = builder.payload;
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(builder.headers));
  }

  /**
   * Starts a message for {@code destination} with ordering key {@code key} and {@code payload}
   * (copied).
   *
   * @throws IllegalArgumentException if destination or key is blank, too long, or not storable text
   */
  public static Builder builder(String destination, String key, byte[] payload) {
    return new Builder(destination, key, payload);
  }

  /** A message without headers. */
  public static OutboxMessage of(String destination, String key, byte[] payload) {
    return builder(destination, key, payload).build();
  }

  /**
   * The id chosen with {@link Builder#id(UUID)}, or null: then {@link Outbox#send} generates a
   * random one.
   */
  public UUID requestedId() {
    return id;
  }

  /** Where the message goes: a topic, queue or exchange name, as the publisher understands it. */
  public String destination() {
    return destination;
  }

  /** The ordering key: messages of one destination and key are published in the order sent. */
  public String key() {
    return key;
  }

  /** A copy of the payload. */
  public byte[] payload() {
    return payload.clone();
  }

  /** The headers, in insertion order; unmodifiable. */
  public Map<String, String> headers() {
    return headers;
  }

  @Override
  public boolean equals(Object other) {
    if (this == other) {
      return true;
    }
    if (!(other instanceof OutboxMessage that)) {
      return false;
    }
    return Objects.equals(id, that.id)
        && destination.equals(that.destination)
        && key.equals(that.key)
        && Arrays.equals(payload, that.payload)
        && headers.equals(that.headers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, destination, key, Arrays.hashCode(payload), headers);
  }

  @Override
  public String toString() {
    return "OutboxMessage{destination="
        + destination
        + ", key="
        + key
        + ", "
        + payload.length
        + " bytes, headers="
        + headers.keySet()
        + (id == null ? "" : ", id=" + id)
        + "}";
  }

  /** Checks that {@code text} can be stored as database text. */
  static String checkText(String what, String text, int maxLength) {
    Objects.requireNonNull(text, what);
    if (maxLength > 0 && text.length() > maxLength) {
      throw new IllegalArgumentException(
          what + " is " + text.length() + " characters long; at most " + maxLength + " fit");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\u0000') {
        throw new IllegalArgumentException(
            what + " contains a NUL character at index " + i + ", which PostgreSQL text cannot hold");
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
          continue;
        }
        throw new IllegalArgumentException(what + " has an unpaired UTF-16 surrogate at index " + i);
      }
      if (Character.isLowSurrogate(c)) {
        throw new IllegalArgumentException(what + " has an unpaired UTF-16 surrogate at index " + i);
      }
    }
    return text;
  }

  /** Builds an {@link OutboxMessage}. */
  public static final class Builder {
    private UUID id;
    private final String destination;
    private final String key;
    private final byte[] payload;
    private final Map<String, String> headers = new LinkedHashMap<>();

    private Builder(String destination, String key, byte[] payload) {
      this.destination = checkText("destination", destination, MAX_NAME_LENGTH);
      this.key = checkText("message key", key, MAX_NAME_LENGTH);
      if (destination.isBlank()) {
        throw new IllegalArgumentException("destination must not be blank");
      }
      if (key.isBlank()) {
        throw new IllegalArgumentException(
            "message key of a message to " + destination + " must not be blank");
      }
      this.payload = Objects.requireNonNull(payload, "payload").clone();
    }

    /**
     * Adds a header; a later value for the same name replaces the earlier one.
     *
     * @throws IllegalArgumentException if the name is empty, or name or value is not storable text
     */
    public Builder header(String name, String value) {
      checkText("header name", name, 0);
      if (name.isEmpty()) {
        throw new IllegalArgumentException("header name must not be empty");
      }
      checkText("value of header " + name, value, 0);
      headers.put(name, value);
      return this;
    }

    /** Adds every header of {@code headers}, as {@link #header} does. */
    public Builder headers(Map<String, String> headers) {
      headers.forEach(this::header);
      return this;
    }

    /**
     * Uses {@code id} as the message id instead of a random one. Useful when the id must be
     * derivable, for example {@code UUID.nameUUIDFromBytes((handler + ":" + key).getBytes(UTF_8))}
     * for a handler that runs outside a transaction. An id already in the outbox makes {@link
     * Outbox#send} fail.
     */
    public Builder id(UUID id) {
      this.id = Objects.requireNonNull(id, "id");
      return this;
    }

    public OutboxMessage build() {
      return new OutboxMessage(this);
    }
  }
}
