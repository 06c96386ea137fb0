package io.idempo.spring.outbox;

import io.idempo.runtime.outbox.OutboxRelay;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.context.SmartLifecycle;

/**
 * Runs an {@link OutboxRelay} from the application context's start to its stop: a new relay is
 * built and started on every start (a closed relay cannot start again), and closed on stop, which
 * waits for the batch in flight up to the relay's shutdown timeout. It starts after, and stops
 * before, the other lifecycle beans (the last phase), so the publisher's producer is still there
 * while the last batch finishes.
 */
public final class OutboxRelayLifecycle implements SmartLifecycle {

  private final Supplier<OutboxRelay> relays;
  private OutboxRelay running;

  /** Starts the relays {@code relays} builds, one per start of the context. */
  public OutboxRelayLifecycle(Supplier<OutboxRelay> relays) {
    this.relays = Objects.requireNonNull(relays, "relays");
  }

  @Override
  public synchronized void start() {
    if (running != null) {
      return;
    }
    OutboxRelay relay = relays.get();
    relay.start();
    running = relay;
  }

  @Override
  public synchronized void stop() {
    if (running != null) {
      OutboxRelay relay = running;
      running = null;
      relay.close();
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return running != null;
  }

  /**
   * The relay now running, for running a batch on demand ({@link OutboxRelay#runOnce()}) or a
   * purge; null while the context is stopped.
   */
  public synchronized OutboxRelay relay() {
    return running;
  }

  @Override
  public String toString() {
    return "OutboxRelayLifecycle{running=" + isRunning() + "}";
  }
}
