package io.idempo.runtime;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;

/**
 * Tells a store's {@link IdempotencyListener} what the store decided, for {@link IdempotencyStore}
 * implementations: one method per event, each of which does nothing (and allocates nothing) when
 * the store has no listener, and none of which throws: a listener's exception is logged and
 * ignored, as {@link IdempotencyListener} promises.
 *
 * <p>A store times a claim with {@link #claimStart()} when the claim begins and {@link #claimTimed}
 * when it is decided; without a listener neither reads the clock.
 */
public final class StoreEvents {

  private static final System.Logger LOG = System.getLogger(StoreEvents.class.getName());

  private final IdempotencyListener listener;
  private final boolean listening;

  /** The events of a store observed by {@code listener} ({@link IdempotencyListener#NONE}: none). */
  public StoreEvents(IdempotencyListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    this.listening = listener != IdempotencyListener.NONE;
  }

  /** True if a listener observes the store. */
  public boolean listening() {
    return listening;
  }

  /**
   * When a claim begins, on {@link System#nanoTime()}, for {@link #claimTimed}; 0 without a
   * listener, which then reads no clock.
   */
  public long claimStart() {
    return listening ? System.nanoTime() : 0;
  }

  /** A claim that began at {@code start} ({@link #claimStart()}) is decided. */
  public void claimTimed(HandlerDescriptor handler, String storedKey, long start) {
    if (listening) {
      Duration duration = Duration.ofNanos(System.nanoTime() - start);
      try {
        listener.claimTimed(handler, storedKey, duration);
      } catch (RuntimeException e) {
        threw(e);
      }
    }
  }

  /** See {@link IdempotencyListener#claimed}. */
  public void claimed(HandlerDescriptor handler, String storedKey) {
    if (listening) {
      try {
        listener.claimed(handler, storedKey);
      } catch (RuntimeException e) {
        threw(e);
      }
    }
  }

  /** See {@link IdempotencyListener#expired}. */
  public void expired(HandlerDescriptor handler, String storedKey) {
    if (listening) {
      try {
        listener.expired(handler, storedKey);
      } catch (RuntimeException e) {
        threw(e);
      }
    }
  }

  /** See {@link IdempotencyListener#duplicate}. */
  public void duplicate(HandlerDescriptor handler, String storedKey) {
    if (listening) {
      try {
        listener.duplicate(handler, storedKey);
      } catch (RuntimeException e) {
        threw(e);
      }
    }
  }

  /** See {@link IdempotencyListener#keyReused}. */
  public void keyReused(HandlerDescriptor handler, String storedKey) {
    if (listening) {
      try {
        listener.keyReused(handler, storedKey);
      } catch (RuntimeException e) {
        threw(e);
      }
    }
  }

  /** See {@link IdempotencyListener#inProgress}. */
  public void inProgress(HandlerDescriptor handler, String storedKey) {
    if (listening) {
      try {
        listener.inProgress(handler, storedKey);
      } catch (RuntimeException e) {
        threw(e);
      }
    }
  }

  /** See {@link IdempotencyListener#completed}. */
  public void completed(HandlerDescriptor handler, String storedKey) {
    if (listening) {
      try {
        listener.completed(handler, storedKey);
      } catch (RuntimeException e) {
        threw(e);
      }
    }
  }

  /** See {@link IdempotencyListener#released}. */
  public void released(HandlerDescriptor handler, String storedKey, Throwable failure) {
    if (listening) {
      try {
        listener.released(handler, storedKey, failure);
      } catch (RuntimeException e) {
        threw(e);
      }
    }
  }

  /** See {@link IdempotencyListener#purged}. Told also without a listener's other events. */
  public void purged(long count) {
    try {
      listener.purged(count);
    } catch (RuntimeException e) {
      threw(e);
    }
  }

  private void threw(RuntimeException e) {
    LOG.log(Level.WARNING, "IdempotencyListener " + listener.getClass().getName() + " threw", e);
  }
}
