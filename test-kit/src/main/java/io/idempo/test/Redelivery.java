package io.idempo.test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The entry point of a redelivery test: the handler, the state it changes, and then the message.
 *
 * <pre>{@code
 * Redelivery.of(handler::capture)
 *     .observing(JdbcState.tables(dataSource, "payment_ledger", "payment_account"))
 *     .with(event)
 *     .assertSameEffectAsOnce();
 * }</pre>
 *
 * <p>Immutable: every method returns a new instance, so a test class can keep a configured one in
 * a field and start each test from it. {@link RedeliveryCheck} says what each check runs and
 * compares.
 *
 * @param <M> the message type
 */
public final class Redelivery<M> {

  private final Delivery<M> handler;
  private final List<StateSource> sources;
  private final Setup setup;
  private final ClaimLog claims;
  private final boolean allowNoEffect;
  /** Told of every check built from this redelivery and of what it saw; null outside a scope. */
  private final CheckObserver observer;

  private Redelivery(
      Delivery<M> handler,
      List<StateSource> sources,
      Setup setup,
      ClaimLog claims,
      boolean allowNoEffect,
      CheckObserver observer) {
    this.handler = handler;
    this.sources = List.copyOf(sources);
    this.setup = setup;
    this.claims = claims;
    this.allowNoEffect = allowNoEffect;
    this.observer = observer;
  }

  /** Starts a redelivery test of {@code handler}, usually a method reference. */
  public static <M> Redelivery<M> of(Delivery<M> handler) {
    return new Redelivery<>(Objects.requireNonNull(handler, "handler"), List.of(), null, null, false, null);
  }

  /** A redelivery test whose checks {@code observer} hears of (see {@link Redeliveries}). */
  static <M> Redelivery<M> observed(Delivery<M> handler, CheckObserver observer) {
    return new Redelivery<>(
        Objects.requireNonNull(handler, "handler"), List.of(), null, null, false, observer);
  }

  /** Also compares what {@code sources} read (after the sources given before). */
  public Redelivery<M> observing(StateSource... sources) {
    return observing(Arrays.asList(sources));
  }

  /** Also compares what {@code sources} read (after the sources given before). */
  public Redelivery<M> observing(List<? extends StateSource> sources) {
    List<StateSource> all = new ArrayList<>(this.sources);
    for (StateSource source : sources) {
      all.add(Objects.requireNonNull(source, "source"));
    }
    return new Redelivery<>(handler, all, setup, claims, allowNoEffect, observer);
  }

  /**
   * Runs {@code setup} before each run of a check, after the setups given before, so that every
   * run starts from the same state. Sequential checks run it once before they start; {@link
   * RedeliveryCheck#concurrently} and {@link RedeliveryCheck#afterFailedDelivery} need it, because
   * they compare two runs.
   */
  public Redelivery<M> startingFrom(Setup setup) {
    Objects.requireNonNull(setup, "setup");
    Setup before = this.setup;
    Setup both =
        before == null
            ? setup
            : () -> {
              before.run();
              setup.run();
            };
    return new Redelivery<>(handler, sources, both, claims, allowNoEffect, observer);
  }

  /**
   * Reads what the wrapper's store decided from {@code claims} (the store's listener), so that a
   * report says whether the wrapper or the handler body kept the effect the same.
   */
  public Redelivery<M> watchingClaims(ClaimLog claims) {
    return new Redelivery<>(
        handler, sources, setup, Objects.requireNonNull(claims, "claims"), allowNoEffect, observer);
  }

  /**
   * Accepts a first delivery that changes none of the observed state. By default such a check fails,
   * because it cannot tell a redelivery's effect from none: usually a state source is missing.
   */
  public Redelivery<M> allowingNoEffect() {
    return new Redelivery<>(handler, sources, setup, claims, true, observer);
  }

  /**
   * The check of delivering {@code message} again; choose a variant, then assert. Every delivery
   * gets this object, and the check fails if the handler changes it: use {@link #withFresh} for a
   * message the handler changes.
   */
  public RedeliveryCheck<M> with(M message) {
    Objects.requireNonNull(message, "message");
    return new RedeliveryCheck<>(this, () -> message, true);
  }

  /**
   * The check of delivering the message {@code copies} returns again, a new copy for every
   * delivery, as a broker deserializes one: for a handler that changes the message object it is
   * given (sets its status, say), so that the redelivery sees the message as sent.
   */
  public RedeliveryCheck<M> withFresh(Supplier<? extends M> copies) {
    return new RedeliveryCheck<>(this, Objects.requireNonNull(copies, "copies"), false);
  }

  Delivery<M> handler() {
    return handler;
  }

  List<StateSource> sources() {
    return sources;
  }

  Setup setup() {
    return setup;
  }

  ClaimLog claims() {
    return claims;
  }

  boolean allowNoEffect() {
    return allowNoEffect;
  }

  CheckObserver observer() {
    return observer;
  }
}
