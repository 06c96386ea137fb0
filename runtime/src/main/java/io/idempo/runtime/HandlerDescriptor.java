package io.idempo.runtime;

import io.idempo.IdempotentHandler;
import java.time.Duration;
import java.util.Objects;

/**
 * What a store needs to know about one {@link IdempotentHandler} method: its stable name (the
 * scope of its keys), its key path (for error messages), its ttl, its mode and, in lease mode, its
 * lease. Immutable. Generated wrappers keep one per handler method in a constant.
 *
 * <pre>{@code
 * private static final HandlerDescriptor CAPTURE =
 *     HandlerDescriptor.builder("com.acme.PaymentHandler#capture")
 *         .keyPath("event.paymentId")
 *         .ttl(Duration.parse("P7D"))
 *         .build();
 * }</pre>
 */
public final class HandlerDescriptor {

  /** The default ttl, as in {@link IdempotentHandler#ttl()}. */
  public static final Duration DEFAULT_TTL = Duration.ofDays(7);

  /** The default lease, as in {@link IdempotentHandler#lease()}. */
  public static final Duration DEFAULT_LEASE = Duration.ofMinutes(5);

  private final String name;
  private final String keyPath;
  private final Duration ttl;
  private final IdempotentHandler.Mode mode;
  private final Duration lease;
  private final String fingerprintPaths;

  private HandlerDescriptor(Builder builder) {
    this.name = builder.name;
    this.keyPath = builder.keyPath;
    this.ttl = builder.ttl;
    this.mode = builder.mode;
    this.lease = builder.lease;
    this.fingerprintPaths = builder.fingerprintPaths;
  }

  /** Starts a descriptor for the handler with stable name {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The handler's stable name, for example {@code com.acme.PaymentHandler#capture}. */
  public String name() {
    return name;
  }

  /** The key path as written in the annotation, for example {@code event.paymentId}. */
  public String keyPath() {
    return keyPath;
  }

  /** How long a completed record keeps deduplicating. */
  public Duration ttl() {
    return ttl;
  }

  /** Whether the claim joins the handler's transaction or is a lease. */
  public IdempotentHandler.Mode mode() {
    return mode;
  }

  /** How long a lease-mode claim stays exclusive while the handler runs. */
  public Duration lease() {
    return lease;
  }

  /**
   * The paths whose values make up the payload fingerprint, as written in {@link
   * IdempotentHandler#fingerprint()} and joined with {@code ", "}; empty if the handler keeps no
   * fingerprint. Used in error messages.
   */
  public String fingerprintPaths() {
    return fingerprintPaths;
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof HandlerDescriptor that)) {
      return false;
    }
    return name.equals(that.name)
        && keyPath.equals(that.keyPath)
        && ttl.equals(that.ttl)
        && mode == that.mode
        && lease.equals(that.lease)
        && fingerprintPaths.equals(that.fingerprintPaths);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, keyPath, ttl, mode, lease, fingerprintPaths);
  }

  @Override
  public String toString() {
    return "handler " + name + " (key " + keyPath + ")";
  }

  /** Builds a {@link HandlerDescriptor}. */
  public static final class Builder {
    private final String name;
    private String keyPath = "";
    private Duration ttl = DEFAULT_TTL;
    private IdempotentHandler.Mode mode = IdempotentHandler.Mode.TRANSACTIONAL;
    private Duration lease = DEFAULT_LEASE;
    private String fingerprintPaths = "";

    private Builder(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("handler name must not be blank");
      }
      this.name = name;
    }

    /** The key path as written in the annotation; used in error messages. */
    public Builder keyPath(String keyPath) {
      this.keyPath = Objects.requireNonNull(keyPath, "keyPath");
      return this;
    }

    /** How long a completed record keeps deduplicating; must be positive. */
    public Builder ttl(Duration ttl) {
      this.ttl = requirePositive(ttl, "ttl");
      return this;
    }

    /** Whether the claim joins the handler's transaction or is a lease. */
    public Builder mode(IdempotentHandler.Mode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** How long a lease-mode claim stays exclusive; must be positive. */
    public Builder lease(Duration lease) {
      this.lease = requirePositive(lease, "lease");
      return this;
    }

    /**
     * The fingerprint paths as written in the annotation, joined with {@code ", "}; used in error
     * messages.
     */
    public Builder fingerprintPaths(String fingerprintPaths) {
      this.fingerprintPaths = Objects.requireNonNull(fingerprintPaths, "fingerprintPaths");
      return this;
    }

    public HandlerDescriptor build() {
      return new HandlerDescriptor(this);
    }

    private Duration requirePositive(Duration value, String what) {
      Objects.requireNonNull(value, what);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(
            what + " of handler " + name + " must be positive, was " + value);
      }
      return value;
    }
  }
}
