package io.idempo.test;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs a sample test class through the JUnit Platform, as a build tool would, and keeps each test
 * method's result and report entries. The samples run only here: they are enabled by the system
 * property {@value #ENABLED} that {@link #of} sets while it runs them.
 */
final class EngineRun {

  static final String ENABLED = "idempo.test.samples";

  /** What one test method ended with. */
  record Outcome(TestExecutionResult.Status status, Throwable failure, List<String> reports) {}

  private final Map<String, Outcome> outcomes;

  private EngineRun(Map<String, Outcome> outcomes) {
    this.outcomes = outcomes;
  }

  static synchronized EngineRun of(Class<?> testClass) {
    Map<String, List<String>> reports = new LinkedHashMap<>();
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    TestExecutionListener listener =
        new TestExecutionListener() {
          @Override
          public void reportingEntryPublished(TestIdentifier test, ReportEntry entry) {
            String value = entry.getKeyValuePairs().get(RedeliveryExtension.REPORT_KEY);
            if (value != null) {
              reports.computeIfAbsent(name(test), k -> new ArrayList<>()).add(value);
            }
          }

          @Override
          public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            if (test.isTest()) {
              outcomes.put(
                  name(test),
                  new Outcome(
                      result.getStatus(),
                      result.getThrowable().orElse(null),
                      List.copyOf(reports.getOrDefault(name(test), List.of()))));
            }
          }
        };
    LauncherDiscoveryRequest request =
        LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass)).build();
    System.setProperty(ENABLED, "true");
    try {
      LauncherFactory.create().execute(request, listener);
    } finally {
      System.clearProperty(ENABLED);
    }
    return new EngineRun(outcomes);
  }

  /** {@code capture} for the test method {@code capture(Redeliveries)}. */
  private static String name(TestIdentifier test) {
    String name = test.getDisplayName();
    int parameters = name.indexOf('(');
    return parameters < 0 ? name : name.substring(0, parameters);
  }

  Outcome outcome(String testMethod) {
    Outcome outcome = outcomes.get(testMethod);
    if (outcome == null) {
      throw new AssertionError("no test " + testMethod + " ran; the tests that ran: " + outcomes.keySet());
    }
    return outcome;
  }

  /** The test methods that ran, in order. */
  List<String> tests() {
    return List.copyOf(outcomes.keySet());
  }
}
