package io.idempo.checker;

import com.google.errorprone.CompilationTestHelper;
import org.junit.jupiter.api.Test;

/**
 * Which methods are handlers: Axon's replay methods carry {@code @EventHandler} but only rebuild an
 * aggregate from its own events, so they stay silent; {@code ExcludedHandlerAnnotations} adds more.
 */
class HandlerRecognitionTest {

  private static final String AXON = "-XepOpt:NonIdempotentMutation:HandlerAnnotations="
      + "org.axonframework.eventhandling.EventHandler";

  private CompilationTestHelper axon(String... moreFlags) {
    String[] flags = new String[moreFlags.length + 1];
    flags[0] = AXON;
    System.arraycopy(moreFlags, 0, flags, 1, moreFlags.length);
    return Sources.helper(getClass(), flags)
        .addSourceLines(
            "EventHandler.java",
            "package org.axonframework.eventhandling;",
            "import java.lang.annotation.*;",
            "@Retention(RetentionPolicy.RUNTIME)",
            "@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})",
            "public @interface EventHandler {}")
        .addSourceLines(
            "EventSourcingHandler.java",
            "package org.axonframework.eventsourcing;",
            "@org.axonframework.eventhandling.EventHandler",
            "public @interface EventSourcingHandler {}")
        .addSourceLines(
            "SagaEventHandler.java",
            "package org.axonframework.modelling.saga;",
            "@org.axonframework.eventhandling.EventHandler",
            "public @interface SagaEventHandler { String associationProperty(); }")
        .addSourceLines(
            "Aggregate.java",
            "package org.axonframework.spring.stereotype;",
            "public @interface Aggregate {}")
        .addSourceLines(
            "AggregateIdentifier.java",
            "package org.axonframework.modelling.command;",
            "public @interface AggregateIdentifier {}")
        .addSourceLines(
            "Credited.java", "package bank;", "public record Credited(String id, long amount) {}");
  }

  @Test
  void eventSourcingHandlersReplayAndStaySilent() {
    axon()
        .addSourceLines(
            "bank/Account.java",
            "package bank;",
            "import org.axonframework.eventsourcing.EventSourcingHandler;",
            "import org.axonframework.modelling.command.AggregateIdentifier;",
            "class Account {",
            "  @AggregateIdentifier private String id;",
            "  private long balance;",
            "  @EventSourcingHandler void on(Credited e) { balance += e.amount(); }",
            "}")
        .addSourceLines(
            "bank/Projection.java",
            "package bank;",
            "import org.axonframework.eventhandling.EventHandler;",
            "class Projection {",
            "  private long total;",
            "  @EventHandler void on(Credited e) {",
            "    // BUG: Diagnostic contains: `total += …`",
            "    total += e.amount();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void eventHandlersInsideAnAggregateAreReplays() {
    axon()
        .addSourceLines(
            "bank/Annotated.java",
            "package bank;",
            "import org.axonframework.eventhandling.EventHandler;",
            "@org.axonframework.spring.stereotype.Aggregate",
            "class Annotated {",
            "  private long balance;",
            "  @EventHandler void on(Credited e) { balance += e.amount(); }",
            "}")
        .addSourceLines(
            "bank/Identified.java",
            "package bank;",
            "import org.axonframework.eventhandling.EventHandler;",
            "class Identified {",
            "  @org.axonframework.modelling.command.AggregateIdentifier String id;",
            "  private long balance;",
            "  @EventHandler void on(Credited e) { balance = balance + e.amount(); }",
            "}")
        .doTest();
  }

  @Test
  void sagaEventHandlersAreHandlers() {
    axon()
        .addSourceLines(
            "bank/Saga.java",
            "package bank;",
            "import org.axonframework.modelling.saga.SagaEventHandler;",
            "class Saga {",
            "  private int credits;",
            "  @SagaEventHandler(associationProperty = \"id\") void on(Credited e) {",
            "    // BUG: Diagnostic contains: `credits++`",
            "    credits++;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void excludedHandlerAnnotationsAreNotHandlers() {
    axon("-XepOpt:NonIdempotentMutation:ExcludedHandlerAnnotations=bank.Rebuild")
        .addSourceLines(
            "bank/Rebuild.java",
            "package bank;",
            "@org.axonframework.eventhandling.EventHandler",
            "@interface Rebuild {}")
        .addSourceLines(
            "bank/View.java",
            "package bank;",
            "import org.axonframework.eventhandling.EventHandler;",
            "class View {",
            "  private long total;",
            "  @Rebuild void rebuild(Credited e) { total += e.amount(); }",
            "  @EventHandler void on(Credited e) {",
            "    // BUG: Diagnostic contains: `total += …`",
            "    total += e.amount();",
            "  }",
            "}")
        .doTest();
  }
}
