package io.idempo.runtime;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every listener event as {@code "event:key"} (and {@code "purged:n"}), and claim times
 * apart, in {@link #timedClaims}. Thread-safe.
 */
public final class RecordingListener implements IdempotencyListener {
  public final List<String> events = new CopyOnWriteArrayList<>();
  public final List<TimedClaim> timedClaims = new CopyOnWriteArrayList<>();

  /** One {@code claimTimed} event. */
  public record TimedClaim(String key, Duration duration) {}

  @Override
  public void claimed(HandlerDescriptor handler, String key) {
    events.add("claimed:" + key);
  }

  @Override
  public void expired(HandlerDescriptor handler, String key) {
    events.add("expired:" + key);
  }

  @Override
  public void duplicate(HandlerDescriptor handler, String key) {
    events.add("duplicate:" + key);
  }

  @Override
  public void keyReused(HandlerDescriptor handler, String key) {
    events.add("keyReused:" + key);
  }

  @Override
  public void inProgress(HandlerDescriptor handler, String key) {
    events.add("inProgress:" + key);
  }

  @Override
  public void claimTimed(HandlerDescriptor handler, String key, Duration duration) {
    timedClaims.add(new TimedClaim(key, duration));
  }

  @Override
  public void completed(HandlerDescriptor handler, String key) {
    events.add("completed:" + key);
  }

  @Override
  public void released(HandlerDescriptor handler, String key, Throwable failure) {
    events.add("released:" + key);
  }

  @Override
  public void purged(long count) {
    events.add("purged:" + count);
  }
}
