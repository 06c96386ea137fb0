package io.idempo.test;

import io.idempo.runtime.outbox.InMemoryMessagePublisher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The redelivery checks of one test, handed out by {@link RedeliveryExtension}: {@link #of} starts
 * a {@link Redelivery} that already observes the state the extension and this test named, watches
 * this test's {@link ClaimLog}, and starts from the test's setup. The state the kit owns is new for
 * every test: the claim log, the {@linkplain #publisher() publisher} and the {@linkplain
 * #recorder(String) call recorders}.
 *
 * <pre>{@code
 * @Test
 * void capture(Redeliveries redeliveries) {
 *   redeliveries.of(handler::capture).with(EVENT).assertSameEffectAsOnce();
 * }
 * }</pre>
 *
 * <p>Configure it in a {@code @BeforeEach} method that takes it as a parameter; a {@link
 * Redelivery} started before a change does not see it. At the end of the test the extension fails
 * a test that built a check ({@link Redelivery#with}) and never ran it.
 */
public final class Redeliveries {

  private final String test;
  private final List<StateSource> sources;
  private final List<Setup> setups;
  private final Consumer<String> reports;
  private final Map<String, CallRecorder> recorders = new LinkedHashMap<>();
  private final List<Check> checks = new ArrayList<>();
  private ClaimLog claims;
  private InMemoryMessagePublisher publisher;

  Redeliveries(String test, List<StateSource> sources, List<Setup> setups, Consumer<String> reports) {
    this.test = test;
    this.sources = new ArrayList<>(sources);
    this.setups = new ArrayList<>(setups);
    this.reports = reports;
  }

  /**
   * A redelivery test of {@code handler} that observes every source named so far (the extension's,
   * then this test's, then the kit's own: publisher and recorders), watches {@link #claims()} if
   * the test asked for it, and starts from the setups given so far.
   */
  public synchronized <M> Redelivery<M> of(Delivery<M> handler) {
    List<StateSource> observed = new ArrayList<>(sources);
    if (publisher != null) {
      observed.add(MessageState.published(publisher));
    }
    observed.addAll(recorders.values());
    Redelivery<M> redelivery = Redelivery.observed(handler, this::built).observing(observed);
    Setup setup = setup();
    if (setup != null) {
      redelivery = redelivery.startingFrom(setup);
    }
    return claims == null ? redelivery : redelivery.watchingClaims(claims);
  }

  /** Also observes {@code sources} in the redeliveries started from now on. */
  public synchronized Redeliveries observing(StateSource... sources) {
    for (StateSource source : sources) {
      this.sources.add(Objects.requireNonNull(source, "source"));
    }
    return this;
  }

  /**
   * Also runs {@code setup}, after the extension's, before each run of a check (see {@link
   * Redelivery#startingFrom}). The kit clears its own state (publisher, recorders) there too.
   */
  public synchronized Redeliveries startingFrom(Setup setup) {
    setups.add(Objects.requireNonNull(setup, "setup"));
    return this;
  }

  /**
   * This test's claim log: give it to the store as its listener, and every redelivery started from
   * now on says whether the wrapper or the handler body kept the effect the same.
   */
  public synchronized ClaimLog claims() {
    if (claims == null) {
      claims = new ClaimLog();
    }
    return claims;
  }

  /** This test's in-memory publisher, observed as {@code published messages}. */
  public synchronized InMemoryMessagePublisher publisher() {
    if (publisher == null) {
      publisher = new InMemoryMessagePublisher();
    }
    return publisher;
  }

  /** This test's recorder named {@code name} (the same one for the same name), observed. */
  public synchronized CallRecorder recorder(String name) {
    return recorders.computeIfAbsent(Objects.requireNonNull(name, "name"), CallRecorder::new);
  }

  /**
   * The setups in order, then the kit's own resets; null when the test's state has no way back
   * (no setup given, and some observed source is not the kit's).
   */
  private Setup setup() {
    if (setups.isEmpty() && !sources.isEmpty()) {
      return null;
    }
    List<Setup> steps = List.copyOf(setups);
    InMemoryMessagePublisher ownPublisher = publisher;
    List<CallRecorder> ownRecorders = List.copyOf(recorders.values());
    return () -> {
      for (Setup step : steps) {
        step.run();
      }
      if (ownPublisher != null) {
        ownPublisher.clear();
      }
      for (CallRecorder recorder : ownRecorders) {
        recorder.clear();
      }
    };
  }

  private synchronized CheckObserver.Pending built(String message) {
    Check check = new Check(message);
    checks.add(check);
    return check;
  }

  /** The checks built and never run, as a failure message; or null. */
  synchronized String unrun() {
    List<String> unrun = new ArrayList<>();
    for (Check check : checks) {
      if (!check.started) {
        unrun.add(check.message);
      }
    }
    if (unrun.isEmpty()) {
      return null;
    }
    return test
        + " built "
        + (unrun.size() == 1 ? "a redelivery check" : unrun.size() + " redelivery checks")
        + " and never ran "
        + (unrun.size() == 1 ? "it" : "them")
        + ": "
        + String.join(", ", unrun)
        + ". End each Redelivery.with(…) with assertSameEffectAsOnce() or check().";
  }

  /** One check built through {@link Redelivery#with}; its variants share it. */
  private final class Check implements CheckObserver.Pending {
    private final String message;
    private volatile boolean started;

    Check(String message) {
      this.message = message;
    }

    @Override
    public void started() {
      started = true;
    }

    @Override
    public void ran(RedeliveryReport report) {
      reports.accept(report.message());
    }
  }

  @Override
  public String toString() {
    return "Redeliveries of " + test;
  }
}
