package io.idempo.checker;

import com.google.errorprone.CompilationTestHelper;
import org.junit.jupiter.api.Test;

/** Suppressed and generated code stays silent. */
class SuppressionTest {

  private final CompilationTestHelper helper = Sources.helper(getClass());

  @Test
  void suppressWarningsIsHonouredAtEveryLevel() {
    helper
        .addSourceLines(
            "Counters.java",
            "import io.idempo.IdempotentHandler;",
            "class Counters {",
            "  private long a;",
            "  private long b;",
            "  @SuppressWarnings(\"NonIdempotentMutation\")",
            "  @IdempotentHandler",
            "  void suppressedHandler() { a++; }",
            "  @IdempotentHandler",
            "  void handler() {",
            "    @SuppressWarnings(\"NonIdempotentMutation\")",
            "    long before = a++;",
            "    suppressedHelper();",
            "    // BUG: Diagnostic contains: `b += …`",
            "    Runnable r = () -> b += before;",
            "    // BUG: Diagnostic contains: `b++`",
            "    b++;",
            "  }",
            "  @SuppressWarnings(\"NonIdempotentMutation\")",
            "  void suppressedHelper() { b++; }",
            "}")
        .addSourceLines(
            "Quiet.java",
            "import io.idempo.IdempotentHandler;",
            "@SuppressWarnings(\"NonIdempotentMutation\")",
            "class Quiet {",
            "  private long n;",
            "  @IdempotentHandler void on() { n++; }",
            "}")
        .doTest();
  }

  @Test
  void suppressedCalleeInAnotherClassIsNotEntered() {
    helper
        .addSourceLines(
            "Audit.java",
            "class Audit {",
            "  private long entries;",
            "  @SuppressWarnings(\"NonIdempotentMutation\") // an append-only audit counter",
            "  void record() { entries++; }",
            "}")
        .addSourceLines(
            "Handler.java",
            "import io.idempo.IdempotentHandler;",
            "class Handler {",
            "  private Audit audit;",
            "  @IdempotentHandler void on() { audit.record(); }",
            "}")
        .doTest();
  }

  @Test
  void generatedCodeIsSkipped() {
    helper
        .addSourceLines(
            "IdempotentOrderHandler.java",
            "import io.idempo.IdempotentHandler;",
            "@javax.annotation.processing.Generated(\"io.idempo.processor.IdempotentHandlerProcessor\")",
            "final class IdempotentOrderHandler {",
            "  private long calls;",
            "  @IdempotentHandler void on() { calls++; }",
            "}")
        .addSourceLines(
            "Mapper.java",
            "@javax.annotation.processing.Generated(\"mapstruct\")",
            "class Mapper {",
            "  private long mapped;",
            "  void map() { mapped++; }",
            "}")
        .addSourceLines(
            "Handler.java",
            "import io.idempo.IdempotentHandler;",
            "class Handler {",
            "  private Mapper mapper;",
            "  @IdempotentHandler void on() { mapper.map(); }",
            "}")
        .doTest();
  }
}
