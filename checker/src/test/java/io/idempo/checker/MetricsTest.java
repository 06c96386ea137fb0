package io.idempo.checker;

import com.google.errorprone.CompilationTestHelper;
import org.junit.jupiter.api.Test;

/**
 * Process-local metrics are not business state: meters, and atomics that only feed a log line or a
 * meter, stay silent unless {@code ReportMetrics=true}. Counters the program reads stay reported.
 */
class MetricsTest {

  private static CompilationTestHelper withMicrometer(CompilationTestHelper helper) {
    return helper
        .addSourceLines(
            "Meter.java", "package io.micrometer.core.instrument;", "public interface Meter {}")
        .addSourceLines(
            "Counter.java",
            "package io.micrometer.core.instrument;",
            "public interface Counter extends Meter { void increment(); void increment(double n); }")
        .addSourceLines(
            "Timer.java",
            "package io.micrometer.core.instrument;",
            "public interface Timer extends Meter { void record(java.time.Duration d); }")
        .addSourceLines(
            "MeterRegistry.java",
            "package io.micrometer.core.instrument;",
            "public abstract class MeterRegistry {",
            "  public abstract Counter counter(String name, String... tags);",
            "  public abstract <T extends Number> T gauge(String name, T number);",
            "}")
        .addSourceLines(
            "Logger.java", "package org.slf4j;", "public interface Logger { void info(String m, Object... a); }");
  }

  @Test
  void metersAndCountersThatOnlyFeedLogsStaySilent() {
    withMicrometer(Sources.helper(getClass()))
        .addSourceLines(
            "Consumer.java",
            "import io.idempo.IdempotentHandler;",
            "import io.micrometer.core.instrument.*;",
            "import java.util.concurrent.atomic.AtomicLong;",
            "import java.util.concurrent.atomic.LongAdder;",
            "class Consumer {",
            "  private org.slf4j.Logger log;",
            "  private Counter received;",
            "  private Timer latency;",
            "  private MeterRegistry registry;",
            "  private final AtomicLong handled = new AtomicLong();",
            "  private final LongAdder bytes = new LongAdder();",
            "  private final AtomicLong lag = new AtomicLong();",
            "  private final AtomicLong seen = new AtomicLong();",
            "  Consumer(MeterRegistry registry) { this.registry = registry; registry.gauge(\"lag\", lag); }",
            "  @IdempotentHandler void on(String m) {",
            "    received.increment();",
            "    registry.counter(\"orders\").increment();",
            "    latency.record(java.time.Duration.ZERO);",
            "    log.info(\"handled {}\", handled.incrementAndGet());",
            "    bytes.add(m.length());",
            "    lag.incrementAndGet();",
            "    if (seen.incrementAndGet() % 1000 == 0) {",
            "      log.info(\"seen {}\", seen.get());",
            "    }",
            "  }",
            "  void report() { log.info(\"bytes \" + bytes.sum()); }",
            "}")
        .doTest();
  }

  @Test
  void countersTheProgramReadsStayReported() {
    withMicrometer(Sources.helper(getClass()))
        .addSourceLines(
            "Quota.java",
            "import io.idempo.IdempotentHandler;",
            "import java.util.concurrent.atomic.AtomicInteger;",
            "class Quota {",
            "  private org.slf4j.Logger log;",
            "  private final AtomicInteger used = new AtomicInteger();",
            "  final AtomicInteger shared = new AtomicInteger();",
            "  private final AtomicInteger unread = new AtomicInteger();",
            "  @IdempotentHandler void on(String m) {",
            "    // BUG: Diagnostic contains: `used.incrementAndGet()` increments again",
            "    if (used.incrementAndGet() > 10) { throw new IllegalStateException(); }",
            "    // BUG: Diagnostic contains: `shared.getAndIncrement()`",
            "    log.info(\"n {}\", shared.getAndIncrement());",
            "    // BUG: Diagnostic contains: `unread.incrementAndGet()`",
            "    unread.incrementAndGet();",
            "  }",
            "  boolean full() { return used.get() >= 10; }",
            "}")
        .doTest();
  }

  @Test
  void reportMetricsTurnsThemOn() {
    withMicrometer(Sources.helper(getClass(), "-XepOpt:NonIdempotentMutation:ReportMetrics=true"))
        .addSourceLines(
            "Consumer.java",
            "import io.idempo.IdempotentHandler;",
            "import io.micrometer.core.instrument.Counter;",
            "import java.util.concurrent.atomic.AtomicLong;",
            "class Consumer {",
            "  private org.slf4j.Logger log;",
            "  private Counter received;",
            "  private final AtomicLong handled = new AtomicLong();",
            "  @IdempotentHandler void on(String m) {",
            "    // BUG: Diagnostic contains: `received.increment()`",
            "    received.increment();",
            "    // BUG: Diagnostic contains: `handled.incrementAndGet()`",
            "    log.info(\"handled {}\", handled.incrementAndGet());",
            "  }",
            "}")
        .doTest();
  }
}
