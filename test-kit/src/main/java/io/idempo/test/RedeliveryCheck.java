package io.idempo.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One redelivery check of one message. Each variant runs deliveries against the real state and
 * compares snapshots of every {@link StateSource}; rows are compared as multisets, without the
 * columns a source leaves out.
 *
 * <ul>
 *   <li>default, {@link #deliveredTimes(int)}: snapshot, deliver once, snapshot <i>once</i>; then
 *       deliver again, snapshot after each; the effect is the same iff every later snapshot equals
 *       <i>once</i>. The first delivery that differs is reported.
 *   <li>{@link #afterOtherMessages}: deliver the message, then the others, snapshot <i>once</i>;
 *       deliver the message again, snapshot; they must be equal. A redelivery that arrives late,
 *       after newer messages, must not undo or repeat anything.
 *   <li>{@link #concurrently(int)}: from {@link Redelivery#startingFrom the start state} deliver once,
 *       snapshot <i>once</i>; from the start state again deliver from {@code threads} threads at
 *       once, redeliver (one at a time, as a broker would) each delivery that threw, snapshot;
 *       they must be equal.
 *   <li>{@link #afterFailedDelivery}: from the start state deliver once, snapshot <i>once</i>; from
 *       the start state again run the failing delivery (it must throw, as after a crash half-way),
 *       then deliver normally, snapshot; they must be equal.
 * </ul>
 *
 * <p>In every variant the first delivery must change some observed state (unless {@link
 * Redelivery#allowingNoEffect()}), a first delivery must not throw, and a redelivery that throws
 * fails the check: a broker would deliver it again, and again.
 *
 * @param <M> the message type
 */
public final class RedeliveryCheck<M> {

  private enum Variant {
    REPEATED,
    AFTER_OTHERS,
    CONCURRENT,
    AFTER_FAILURE
  }

  /** How long concurrent deliveries may take together. */
  private static final long CONCURRENT_TIMEOUT_SECONDS = 60;

  private final Redelivery<M> redelivery;
  /** The message of each delivery: the same object, or a new copy each time. */
  private final Supplier<? extends M> messages;
  /** True when {@link #messages} hands out the same object every time. */
  private final boolean sameObject;
  /** The message as shown in reports. */
  private final String shown;
  private final Variant variant;
  private final int deliveries;
  private final List<M> others;
  private final Delivery<M> failing;
  /** Hears when this check (or a variant of it) runs; null outside a {@link Redeliveries}. */
  private final CheckObserver.Pending pending;

  RedeliveryCheck(Redelivery<M> redelivery, Supplier<? extends M> messages, boolean sameObject) {
    this.redelivery = redelivery;
    this.messages = messages;
    this.sameObject = sameObject;
    this.shown = Values.cut(String.valueOf(Objects.requireNonNull(messages.get(), "message")));
    this.variant = Variant.REPEATED;
    this.deliveries = 2;
    this.others = List.of();
    this.failing = null;
    CheckObserver observer = redelivery.observer();
    this.pending = observer == null ? null : observer.built(shown);
  }

  private RedeliveryCheck(
      RedeliveryCheck<M> base, Variant variant, int deliveries, List<M> others, Delivery<M> failing) {
    this.redelivery = base.redelivery;
    this.messages = base.messages;
    this.sameObject = base.sameObject;
    this.shown = base.shown;
    this.variant = variant;
    this.deliveries = deliveries;
    this.others = others;
    this.failing = failing;
    this.pending = base.pending;
  }

  /** Delivers the message {@code times} times in a row (at least 2) instead of twice. */
  public RedeliveryCheck<M> deliveredTimes(int times) {
    requireDefault("deliveredTimes");
    if (times < 2) {
      throw new IllegalArgumentException("deliveredTimes must be at least 2, was " + times);
    }
    return new RedeliveryCheck<>(this, Variant.REPEATED, times, List.of(), null);
  }

  /** Delivers the message, then {@code others}, then the message again. */
  @SafeVarargs
  public final RedeliveryCheck<M> afterOtherMessages(M... others) {
    List<M> list = new ArrayList<>(others.length);
    for (M other : others) {
      list.add(other);
    }
    return afterOtherMessages(list);
  }

  /** Delivers the message, then {@code others}, then the message again. */
  public RedeliveryCheck<M> afterOtherMessages(List<? extends M> others) {
    requireDefault("afterOtherMessages");
    List<M> copy = new ArrayList<>();
    for (M other : others) {
      copy.add(Objects.requireNonNull(other, "other message"));
    }
    return new RedeliveryCheck<>(this, Variant.AFTER_OTHERS, 2, List.copyOf(copy), null);
  }

  /**
   * Compares one delivery with {@code threads} deliveries at once (at least 2); needs {@link
   * Redelivery#startingFrom}.
   */
  public RedeliveryCheck<M> concurrently(int threads) {
    requireDefault("concurrently");
    if (threads < 2) {
      throw new IllegalArgumentException("concurrently needs at least 2 threads, was " + threads);
    }
    requireSetup("concurrently");
    return new RedeliveryCheck<>(this, Variant.CONCURRENT, threads, List.of(), null);
  }

  /**
   * Compares one delivery with a failed delivery followed by a normal one. {@code failingDelivery}
   * hands the message to a handler that fails half-way, for example one built on {@link
   * FailingDataSource}; it must throw. Needs {@link Redelivery#startingFrom}.
   */
  public RedeliveryCheck<M> afterFailedDelivery(Delivery<M> failingDelivery) {
    requireDefault("afterFailedDelivery");
    requireSetup("afterFailedDelivery");
    return new RedeliveryCheck<>(
        this,
        Variant.AFTER_FAILURE,
        2,
        List.of(),
        Objects.requireNonNull(failingDelivery, "failingDelivery"));
  }

  /**
   * Runs the check and throws {@link NotIdempotentError}, whose message shows what changed, if the
   * redelivery did not have the same effect as one delivery.
   */
  public void assertSameEffectAsOnce() {
    RedeliveryReport report = check();
    if (!report.sameEffect()) {
      throw NotIdempotentError.of(report);
    }
  }

  /** Runs the check and returns what it saw, without asserting. */
  public RedeliveryReport check() {
    if (pending != null) {
      pending.started();
    }
    if (redelivery.sources().isEmpty()) {
      throw new IllegalStateException(
          "no state to compare: add the state the handler changes with Redelivery.observing(…)");
    }
    RedeliveryReport report =
        switch (variant) {
          case REPEATED -> repeated();
          case AFTER_OTHERS -> afterOthers();
          case CONCURRENT -> concurrent();
          case AFTER_FAILURE -> afterFailure();
        };
    if (pending != null) {
      pending.ran(report);
    }
    return report;
  }

  private RedeliveryReport repeated() {
    Snapshot once = startAndDeliverOnce().once();
    for (int i = 2; i <= deliveries; i++) {
      int mark = mark();
      Exception thrown = deliverCatching(redelivery.handler());
      Snapshot later = snapshot();
      String after = i == 2 ? "after two" : "after " + i + " deliveries";
      String subject = "Delivering " + shown() + (i == 2 ? " twice" : " " + i + " times");
      RedeliveryReport report =
          compare(once, later, "after one delivery", after, subject, mark, 0, thrown, "delivery " + i);
      if (!report.sameEffect() || i == deliveries) {
        return report;
      }
    }
    throw new AssertionError("unreachable: deliveries >= 2");
  }

  private RedeliveryReport afterOthers() {
    runSetup();
    Snapshot start = snapshot();
    deliverFirstOfMessage();
    for (M other : others) {
      deliverFirst(other);
    }
    Snapshot once = snapshot();
    requireEffect(start, once);
    int mark = mark();
    Exception thrown = deliverCatching(redelivery.handler());
    String before =
        "after it and " + others.size() + (others.size() == 1 ? " other message" : " other messages");
    return compare(
        once,
        snapshot(),
        before,
        "after its redelivery",
        "Redelivering " + shown() + " after " + others.size() + " other message(s)",
        mark,
        0,
        thrown,
        "the redelivery");
  }

  private RedeliveryReport concurrent() {
    FirstRun first = startAndDeliverOnce();
    Snapshot once = first.once();
    restart(first.start());
    int mark = mark();
    ExecutorService pool = Executors.newFixedThreadPool(deliveries);
    List<Exception> thrown = new ArrayList<>();
    try {
      CountDownLatch ready = new CountDownLatch(deliveries);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Exception>> results = new ArrayList<>();
      for (int i = 0; i < deliveries; i++) {
        results.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  return deliverCatching(redelivery.handler());
                }));
      }
      ready.await();
      go.countDown();
      for (Future<Exception> result : results) {
        Exception failure = result.get(CONCURRENT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (failure != null) {
          thrown.add(failure);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while delivering concurrently", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("concurrent deliveries of " + shown() + " did not finish", e);
    } finally {
      pool.shutdownNow();
    }
    Exception lastFailure = null;
    for (int i = 0; i < thrown.size(); i++) {
      // As a broker would: each delivery that threw is delivered again, one at a time.
      lastFailure = deliverCatching(redelivery.handler());
    }
    String subject = "Delivering " + shown() + " from " + deliveries + " threads at once";
    if (!thrown.isEmpty()) {
      subject +=
          " ("
              + thrown.size()
              + " threw, e.g. "
              + thrown.get(0).getClass().getSimpleName()
              + ", and were redelivered one at a time)";
    }
    return compare(
        once,
        snapshot(),
        "after one delivery",
        "after " + deliveries + " concurrent deliveries",
        subject,
        mark,
        1,
        lastFailure,
        "a redelivery");
  }

  private RedeliveryReport afterFailure() {
    FirstRun first = startAndDeliverOnce();
    Snapshot once = first.once();
    restart(first.start());
    int mark = mark();
    Exception failed = deliverCatching(failing);
    if (failed == null) {
      throw new IllegalStateException(
          "the failing delivery of "
              + shown()
              + " did not throw: give afterFailedDelivery a delivery that fails half-way");
    }
    Exception thrown = deliverCatching(redelivery.handler());
    return compare(
        once,
        snapshot(),
        "after one delivery",
        "after a failed delivery and its redelivery",
        "A failed delivery of " + shown() + " (" + failed + ") followed by its redelivery",
        mark,
        2,
        thrown,
        "the redelivery");
  }

  // ---- the steps

  /** The state before and after the first delivery of a run. */
  private record FirstRun(Snapshot start, Snapshot once) {}

  private FirstRun startAndDeliverOnce() {
    runSetup();
    Snapshot start = snapshot();
    deliverFirstOfMessage();
    Snapshot once = snapshot();
    requireEffect(start, once);
    return new FirstRun(start, once);
  }

  /** Runs the setup again and checks that it restored the state the first run started from. */
  private void restart(Snapshot firstStart) {
    runSetup();
    List<TableDiff> diffs = firstStart.diff(snapshot());
    if (!diffs.isEmpty()) {
      StringBuilder text =
          new StringBuilder(
              "the setup given to startingFrom did not bring the state back to where the first run"
                  + " started; reset every observed table, or leave out what it cannot reset:");
      for (TableDiff diff : diffs) {
        text.append('\n').append(diff.render("at the first start", "at the second"));
      }
      throw new IllegalStateException(text.toString());
    }
  }

  private void runSetup() {
    Setup setup = redelivery.setup();
    if (setup == null) {
      return;
    }
    try {
      setup.run();
    } catch (Exception e) {
      throw new IllegalStateException("the setup given to startingFrom failed: " + e, e);
    }
  }

  private void deliverFirst(M delivered) {
    try {
      redelivery.handler().deliver(delivered);
    } catch (Exception e) {
      throw new IllegalStateException(
          "the first delivery of " + Values.cut(String.valueOf(delivered)) + " threw " + e
              + "; a redelivery check needs a handler that succeeds once",
          e);
    }
  }

  private Exception deliverCatching(Delivery<M> delivery) {
    try {
      delivery.deliver(message());
      return null;
    } catch (Exception e) {
      return e;
    }
  }

  private void requireEffect(Snapshot start, Snapshot once) {
    if (!redelivery.allowNoEffect() && start.diff(once).isEmpty()) {
      throw new AssertionError(
          "The first delivery of "
              + shown()
              + " changed none of the observed state, so a redelivery's effect cannot be told from"
              + " none. Observe the state the handler changes (Redelivery.observing), or call"
              + " allowingNoEffect() if changing nothing observable is right for this message.");
    }
  }

  private RedeliveryReport compare(
      Snapshot once,
      Snapshot later,
      String onceLabel,
      String laterLabel,
      String subject,
      int mark,
      int expectedClaims,
      Exception thrown,
      String redeliveryName) {
    List<TableDiff> diffs = once.diff(later);
    List<ClaimLog.Event> events = redelivery.claims() == null ? List.of() : redelivery.claims().since(mark);
    RedeliveryReport.Wrapper wrapper =
        redelivery.claims() == null
            ? RedeliveryReport.Wrapper.NOT_WATCHED
            : WrapperVerdict.of(events, expectedClaims, variant == Variant.AFTER_FAILURE);
    boolean same = diffs.isEmpty() && thrown == null;
    StringBuilder text = new StringBuilder(subject);
    if (same) {
      text.append(" had the same effect as delivering it once.");
    } else if (diffs.isEmpty()) {
      text.append(" left the same state as one delivery, but ")
          .append(redeliveryName)
          .append(" threw ")
          .append(thrown)
          .append(": a broker would deliver it again, and again, or dead-letter it.");
    } else {
      text.append(" did not have the same effect as delivering it once:");
      for (TableDiff diff : diffs) {
        text.append('\n').append(diff.render(onceLabel, laterLabel));
      }
      if (thrown != null) {
        text.append("\nand ").append(redeliveryName).append(" threw ").append(thrown).append('.');
      }
    }
    String explanation = WrapperVerdict.explain(wrapper, same, events);
    if (!explanation.isEmpty()) {
      text.append('\n').append(explanation);
    }
    List<String> changed = new ArrayList<>();
    List<String> stateOnce = new ArrayList<>();
    List<String> stateAfter = new ArrayList<>();
    for (TableDiff diff : diffs) {
      changed.add(diff.name());
      stateOnce.add(diff.beforeContents());
      stateAfter.add(diff.afterContents());
    }
    return new RedeliveryReport(
        same,
        changed,
        wrapper,
        text.toString(),
        thrown,
        String.join("\n", stateOnce),
        String.join("\n", stateAfter));
  }

  private Snapshot snapshot() {
    return Snapshot.take(redelivery.sources());
  }

  private int mark() {
    return redelivery.claims() == null ? 0 : redelivery.claims().mark();
  }

  private String shown() {
    return shown;
  }

  /** The message of the next delivery. */
  private M message() {
    return Objects.requireNonNull(messages.get(), "the message supplier returned null");
  }

  /**
   * The first delivery of the message; when every delivery gets the same object, also checks that
   * the handler left it as it was: a broker hands each delivery a new copy.
   */
  private void deliverFirstOfMessage() {
    M message = message();
    if (!sameObject) {
      deliverFirst(message);
      return;
    }
    Object before = ObjectGraph.copy(message);
    deliverFirst(message);
    Object after = ObjectGraph.copy(message);
    if (!before.equals(after)) {
      throw new IllegalStateException(
          "the first delivery changed the message object itself: "
              + Values.show(before)
              + " before it, "
              + Values.show(after)
              + " after it. A broker hands every delivery a new copy, so a redelivery of this"
              + " object is a message no broker sends. Give a new copy for each delivery:"
              + " Redelivery.withFresh(() -> …)");
    }
  }

  private void requireDefault(String variantName) {
    if (variant != Variant.REPEATED || deliveries != 2) {
      throw new IllegalStateException(
          variantName + " cannot be combined with another variant of the same check");
    }
  }

  private void requireSetup(String variantName) {
    if (redelivery.setup() == null) {
      throw new IllegalStateException(
          variantName
              + " compares two runs from the same start: give the way back to it with"
              + " Redelivery.startingFrom(…)");
    }
  }
}
