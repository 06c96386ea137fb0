package io.idempo.spring.metrics;

import io.idempo.runtime.HandlerDescriptor;
import io.idempo.runtime.IdempotencyListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts an idempotency store's decisions and times its claims in a Micrometer {@link
 * MeterRegistry}, per handler. The meters are registered when a handler's first event arrives and
 * looked up by handler name after that, so an event costs a map lookup and an increment.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>counts</th></tr>
 *   <tr><td>{@value #CLAIMS}</td><td>counter</td><td>handler, outcome: claimed, expired,
 *       duplicate, in_progress, key_reused</td><td>deliveries, by what their claim decided</td></tr>
 *   <tr><td>{@value #RUNS}</td><td>counter</td><td>handler, outcome: completed, released</td>
 *       <td>handler runs that ended, recorded or released</td></tr>
 *   <tr><td>{@value #CLAIM_DURATION}</td><td>timer</td><td>handler</td><td>time from a claim to
 *       its decision</td></tr>
 *   <tr><td>{@value #PURGED}</td><td>counter</td><td></td><td>expired records deleted</td></tr>
 * </table>
 */
public final class MicrometerIdempotencyListener implements IdempotencyListener {

  /** Deliveries, by handler and by what their claim decided. */
  public static final String CLAIMS = "idempo.claims";

  /** Handler runs that ended, by handler and by whether they were recorded or released. */
  public static final String RUNS = "idempo.handler.runs";

  /** Time from a call to claim to its decision, by handler. */
  public static final String CLAIM_DURATION = "idempo.claim.duration";

  /** Expired records deleted by purges. */
  public static final String PURGED = "idempo.purged";

  /** The tag naming the handler: its stable name, {@code com.acme.PaymentHandler#capture}. */
  public static final String HANDLER_TAG = "handler";

  /** The tag naming the outcome of a claim or a run. */
  public static final String OUTCOME_TAG = "outcome";

  private final MeterRegistry registry;
  private final Counter purged;
  private final Map<String, HandlerMeters> handlers = new ConcurrentHashMap<>();

  /** Registers the meters in {@code registry}. */
  public MicrometerIdempotencyListener(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.purged =
        Counter.builder(PURGED)
            .description("Expired idempotency records deleted by purges")
            .register(registry);
  }

  @Override
  public void claimed(HandlerDescriptor handler, String key) {
    meters(handler).claimed.increment();
  }

  @Override
  public void expired(HandlerDescriptor handler, String key) {
    meters(handler).expired.increment();
  }

  @Override
  public void duplicate(HandlerDescriptor handler, String key) {
    meters(handler).duplicate.increment();
  }

  @Override
  public void inProgress(HandlerDescriptor handler, String key) {
    meters(handler).inProgress.increment();
  }

  @Override
  public void keyReused(HandlerDescriptor handler, String key) {
    meters(handler).keyReused.increment();
  }

  @Override
  public void claimTimed(HandlerDescriptor handler, String key, Duration duration) {
    meters(handler).claimDuration.record(duration);
  }

  @Override
  public void completed(HandlerDescriptor handler, String key) {
    meters(handler).completed.increment();
  }

  @Override
  public void released(HandlerDescriptor handler, String key, Throwable failure) {
    meters(handler).released.increment();
  }

  @Override
  public void purged(long count) {
    purged.increment((double) count);
  }

  private HandlerMeters meters(HandlerDescriptor handler) {
    // get first: computeIfAbsent may lock a bin of the map even when the key is there.
    HandlerMeters meters = handlers.get(handler.name());
    if (meters != null) {
      return meters;
    }
    return handlers.computeIfAbsent(handler.name(), name -> new HandlerMeters(registry, name));
  }

  /** One handler's meters. */
  private static final class HandlerMeters {
    final Counter claimed;
    final Counter expired;
    final Counter duplicate;
    final Counter inProgress;
    final Counter keyReused;
    final Counter completed;
    final Counter released;
    final Timer claimDuration;

    HandlerMeters(MeterRegistry registry, String handler) {
      claimed = claims(registry, handler, "claimed");
      expired = claims(registry, handler, "expired");
      duplicate = claims(registry, handler, "duplicate");
      inProgress = claims(registry, handler, "in_progress");
      keyReused = claims(registry, handler, "key_reused");
      completed = runs(registry, handler, "completed");
      released = runs(registry, handler, "released");
      claimDuration =
          Timer.builder(CLAIM_DURATION)
              .description(
                  "Time from a call to claim to its decision, waits for row locks and for"
                      + " deliveries in flight included")
              .tag(HANDLER_TAG, handler)
              .register(registry);
    }

    private static Counter claims(MeterRegistry registry, String handler, String outcome) {
      return Counter.builder(CLAIMS)
          .description(
              "Deliveries by what their claim decided: claimed (a fresh key, the handler runs),"
                  + " expired (an expired record taken over, the handler runs), duplicate (the"
                  + " result is replayed), in_progress (another delivery still runs the key),"
                  + " key_reused (the key's record has another payload fingerprint)")
          .tag(HANDLER_TAG, handler)
          .tag(OUTCOME_TAG, outcome)
          .register(registry);
    }

    private static Counter runs(MeterRegistry registry, String handler, String outcome) {
      return Counter.builder(RUNS)
          .description(
              "Handler runs that ended: completed (the result is recorded) or released (the"
                  + " handler threw, nothing is recorded and the next delivery runs it again)")
          .tag(HANDLER_TAG, handler)
          .tag(OUTCOME_TAG, outcome)
          .register(registry);
    }
  }
}
