package io.idempo.checker;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.common.collect.ImmutableMap;
import com.google.errorprone.ErrorProneFlags;
import org.junit.jupiter.api.Test;

/** The {@code -XepOpt:NonIdempotentMutation:…} flags, one helper per flag set. */
class FlagsTest {

  @Test
  void handlerAnnotationsAddFrameworkListeners() {
    Sources.helper(
            getClass(),
            "-XepOpt:NonIdempotentMutation:HandlerAnnotations="
                + "org.springframework.kafka.annotation.KafkaListener,"
                + "org.springframework.context.event.EventListener")
        .addSourceLines(
            "KafkaListener.java",
            "package org.springframework.kafka.annotation;",
            "public @interface KafkaListener { String[] topics() default {}; }")
        .addSourceLines(
            "EventListener.java",
            "package org.springframework.context.event;",
            "public @interface EventListener {}")
        .addSourceLines(
            "OrderEvents.java",
            "@org.springframework.kafka.annotation.KafkaListener(topics = \"orders\")",
            "@interface OrderEvents {}")
        .addSourceLines(
            "Consumer.java",
            "import org.springframework.kafka.annotation.KafkaListener;",
            "import org.springframework.context.event.EventListener;",
            "class Consumer {",
            "  private long received;",
            "  @KafkaListener(topics = \"orders\")",
            "  void onOrder(String order) {",
            "    // BUG: Diagnostic contains: `received++`",
            "    received++;",
            "  }",
            "  @EventListener",
            "  void onEvent(Object event) {",
            "    // BUG: Diagnostic contains: `received += …`",
            "    received += 2;",
            "  }",
            "  @OrderEvents",
            "  void composed(String order) {",
            "    // BUG: Diagnostic contains: `received--`",
            "    received--;",
            "  }",
            "  void plain() { received++; }",
            "}")
        .doTest();
  }

  @Test
  void handlerMethodsAddListenerInterfaces() {
    Sources.helper(
            getClass(),
            "-XepOpt:NonIdempotentMutation:HandlerMethods="
                + "org.springframework.kafka.listener.MessageListener#onMessage")
        .addSourceLines(
            "MessageListener.java",
            "package org.springframework.kafka.listener;",
            "public interface MessageListener<K, V> { void onMessage(V data); }")
        .addSourceLines(
            "Counting.java",
            "import org.springframework.kafka.listener.MessageListener;",
            "class Counting implements MessageListener<String, String> {",
            "  private long count;",
            "  @Override public void onMessage(String data) {",
            "    // BUG: Diagnostic contains: `count++`",
            "    count++;",
            "  }",
            "  public void onMessage(Integer other) { count++; }",
            "}")
        .doTest();
  }

  @Test
  void declaredMethodsOverrideTheAnalysis() {
    Sources.helper(
            getClass(),
            "-XepOpt:NonIdempotentMutation:NonIdempotentMethods=com.acme.Mailer#send",
            "-XepOpt:NonIdempotentMutation:IdempotentMethods=com.acme.Inventory#restock")
        .addSourceLines(
            "com/acme/Mailer.java",
            "package com.acme;",
            "public interface Mailer { void send(String to); void preview(String to); }")
        .addSourceLines(
            "com/acme/Inventory.java",
            "package com.acme;",
            "public class Inventory {",
            "  private int stock;",
            "  public void restock(int n) { stock += n; }",
            "  public void take(int n) { stock -= n; }",
            "}")
        .addSourceLines(
            "com/acme/Handler.java",
            "package com.acme;",
            "import io.idempo.IdempotentHandler;",
            "class Handler {",
            "  private Mailer mailer;",
            "  private Inventory inventory;",
            "  @IdempotentHandler",
            "  void on(String to) {",
            "    // BUG: Diagnostic contains: `Mailer.send(…)` is declared non-idempotent",
            "    mailer.send(to);",
            "    mailer.preview(to);",
            "    inventory.restock(1);",
            "    // BUG: Diagnostic contains: `Inventory.take`",
            "    inventory.take(1);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void excludedClassesAreNeitherCheckedNorEntered() {
    Sources.helper(
            getClass(),
            "-XepOpt:NonIdempotentMutation:ExcludedClasses=com.acme.Legacy,com.acme.metrics.*")
        .addSourceLines(
            "com/acme/metrics/Meter.java",
            "package com.acme.metrics;",
            "public class Meter { private long n; public void mark() { n++; } }")
        .addSourceLines(
            "com/acme/Legacy.java",
            "package com.acme;",
            "import io.idempo.IdempotentHandler;",
            "class Legacy {",
            "  private long n;",
            "  @IdempotentHandler void on() { n++; }",
            "}")
        .addSourceLines(
            "com/acme/Current.java",
            "package com.acme;",
            "import io.idempo.IdempotentHandler;",
            "class Current {",
            "  private com.acme.metrics.Meter meter;",
            "  private long n;",
            "  @IdempotentHandler void on() {",
            "    meter.mark();",
            "    // BUG: Diagnostic contains: `n++`",
            "    n++;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void zeroCallDepthChecksOnlyTheHandlerBody() {
    Sources.helper(getClass(), "-XepOpt:NonIdempotentMutation:MaxCallDepth=0")
        .addSourceLines(
            "Shallow.java",
            "import io.idempo.IdempotentHandler;",
            "class Shallow {",
            "  private long n;",
            "  @IdempotentHandler void on() {",
            "    bump();",
            "    // BUG: Diagnostic contains: `n += …`",
            "    n += 2;",
            "  }",
            "  void bump() { n++; }",
            "}")
        .doTest();
  }

  @Test
  void badFlagsAreClearErrors() {
    assertThat(badFlag("HandlerAnnotations", "KafkaListener")).contains("not a fully qualified Java name");
    assertThat(badFlag("HandlerAnnotations", "a.B,,c.D")).contains("empty entry");
    assertThat(badFlag("HandlerMethods", "org.acme.Listener")).contains("Type#method");
    assertThat(badFlag("IdempotentMethods", "org.acme.Listener#")).contains("Type#method");
    assertThat(badFlag("NonIdempotentMethods", "#send")).contains("Type#method");
    assertThat(badFlag("ExcludedClasses", "com.acme.*.Foo")).contains("ExcludedClasses");
    assertThat(badFlag("MaxCallDepth", "deep")).contains("whole number");
    assertThat(badFlag("MaxCallDepth", "-1")).contains("whole number");
    assertThat(badFlag("HandlerAnnotation", "a.B")).contains("Unknown flag");
    assertThat(badFlag("ExcludedHandlerAnnotations", "Replay")).contains("not a fully qualified");
    assertThat(badFlag("ReportMetrics", "yes")).contains("not true or false");
    assertThat(badFlag("HandlerBeanAnnotations", "Bean")).contains("not a fully qualified");
  }

  @Test
  void badFlagFailsTheCompilation() {
    Throwable failure =
        assertThrows(
            Throwable.class,
            () ->
                Sources.helper(getClass(), "-XepOpt:NonIdempotentMutation:MaxCallDepth=lots")
                    .addSourceLines("A.java", "class A {}")
                    .doTest());
    assertThat(stackText(failure)).contains("MaxCallDepth");
  }

  private static String badFlag(String key, String value) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                NonIdempotentMutationConfig.fromFlags(
                    ErrorProneFlags.fromMap(ImmutableMap.of("NonIdempotentMutation:" + key, value))));
    assertThat(e).hasMessageThat().contains("NonIdempotentMutation:" + key);
    return e.getMessage();
  }

  private static String stackText(Throwable failure) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      text.append(t).append('\n');
    }
    return text.toString();
  }
}
