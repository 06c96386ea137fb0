package io.idempo.test;

import io.idempo.runtime.outbox.InMemoryMessagePublisher;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 extension of the test kit: it gives each test a {@link Redeliveries}, with the state
 * sources and setup every test of the class shares, and fresh state the kit owns. Test and
 * {@code @BeforeEach} methods take these parameters, new for each test:
 *
 * <ul>
 *   <li>{@link Redeliveries}: {@code redeliveries.of(handler::capture)} starts a configured
 *       {@link Redelivery};
 *   <li>{@link ClaimLog}: the test's claim log ({@link Redeliveries#claims()}), to give the store as
 *       its listener; the test's redeliveries then say whether the wrapper or the handler body made
 *       the redelivery safe;
 *   <li>{@link InMemoryMessagePublisher}: the test's publisher ({@link Redeliveries#publisher()}),
 *       observed.
 * </ul>
 *
 * <pre>{@code
 * @RegisterExtension
 * final RedeliveryExtension redelivery =
 *     RedeliveryExtension.observing(JdbcState.schema(database).ignoringTables("idempo_claims"))
 *         .startingFrom(this::reset);
 *
 * @Test
 * void capture(Redeliveries redeliveries) {
 *   redeliveries.of(handler::capture).with(EVENT).assertSameEffectAsOnce();
 * }
 * }</pre>
 *
 * <p>{@code @ExtendWith(RedeliveryExtension.class)} registers it without shared sources. Every
 * check that runs publishes its report as the test's report entry {@code redelivery}, and a test
 * that built a check and never ran it fails, naming the message. Immutable.
 */
public final class RedeliveryExtension implements ParameterResolver, AfterEachCallback {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RedeliveryExtension.class);

  /** The report entry key of a check's report. */
  static final String REPORT_KEY = "redelivery";

  private final List<StateSource> sources;
  private final List<Setup> setups;

  /** The extension without shared sources, for {@code @ExtendWith}. */
  public RedeliveryExtension() {
    this(List.of(), List.of());
  }

  private RedeliveryExtension(List<StateSource> sources, List<Setup> setups) {
    this.sources = List.copyOf(sources);
    this.setups = List.copyOf(setups);
  }

  /** The extension whose tests' redeliveries observe {@code sources}. */
  public static RedeliveryExtension observing(StateSource... sources) {
    return new RedeliveryExtension().andObserving(sources);
  }

  /** Also observes {@code sources} in every test. */
  public RedeliveryExtension andObserving(StateSource... sources) {
    List<StateSource> all = new ArrayList<>(this.sources);
    for (StateSource source : sources) {
      all.add(Objects.requireNonNull(source, "source"));
    }
    return new RedeliveryExtension(all, setups);
  }

  /** Runs {@code setup} before each run of every test's checks (see {@link Redelivery#startingFrom}). */
  public RedeliveryExtension startingFrom(Setup setup) {
    List<Setup> all = new ArrayList<>(setups);
    all.add(Objects.requireNonNull(setup, "setup"));
    return new RedeliveryExtension(sources, all);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == Redeliveries.class
        || type == ClaimLog.class
        || type == InMemoryMessagePublisher.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    if (context.getTestMethod().isEmpty()) {
      throw new ParameterResolutionException(
          type.getSimpleName()
              + " is new for every test: take it as a parameter of a @Test or @BeforeEach method,"
              + " not of "
              + parameter.getDeclaringExecutable().getName()
              + " (a constructor or a @BeforeAll method runs for more than one test)");
    }
    Redeliveries redeliveries = redeliveries(context);
    if (type == ClaimLog.class) {
      return redeliveries.claims();
    }
    if (type == InMemoryMessagePublisher.class) {
      return redeliveries.publisher();
    }
    return redeliveries;
  }

  private Redeliveries redeliveries(ExtensionContext context) {
    return context
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            Redeliveries.class,
            key ->
                new Redeliveries(
                    testName(context),
                    sources,
                    setups,
                    report -> context.publishReportEntry(REPORT_KEY, report)),
            Redeliveries.class);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Redeliveries redeliveries = context.getStore(NAMESPACE).get(Redeliveries.class, Redeliveries.class);
    if (redeliveries == null || context.getExecutionException().isPresent()) {
      return;
    }
    String unrun = redeliveries.unrun();
    if (unrun != null) {
      throw new AssertionError(unrun);
    }
  }

  private static String testName(ExtensionContext context) {
    Method method = context.getRequiredTestMethod();
    return context.getRequiredTestClass().getSimpleName() + "." + method.getName() + "()";
  }
}
