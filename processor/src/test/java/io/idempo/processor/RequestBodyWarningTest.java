package io.idempo.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The warning on an HTTP handler method that takes a {@code @RequestBody} but names no
 * fingerprint, and the ways it stays silent: a fingerprint, {@code
 * @SuppressWarnings("idempo-fingerprint")} on the parameter, method or class, no request body, a
 * batch handler. Spring's {@code RequestBody} is the stand-in from the {@code ResponseEntities}
 * case's folder: the processor knows it by name only.
 */
class RequestBodyWarningTest {

  private static final String WARNING =
      "handler method `create` takes the request body `request` (@RequestBody) but has no"
          + " fingerprint, so a client that reuses an idempotency key with another body gets the"
          + " first request's response instead of an IdempotencyKeyReuseException (422). Add"
          + " fingerprint = \"request\" to @IdempotentHandler, or list the paths that identify the"
          + " request, such as fingerprint = {\"request.<property>\", ...}. If the first response"
          + " is meant to answer any body, add @SuppressWarnings(\"idempo-fingerprint\") to the"
          + " method or its class";

  /** Compiles {@code test.Endpoint}, whose body is {@code lines}, with the stand-in. */
  private static Compilation compile(String... lines) {
    List<JavaFileObject> sources = new ArrayList<>();
    for (JavaFileObject stub : TestSources.sources("cases", "ResponseEntities")) {
      if (stub.getName().contains("RequestBody.java")) {
        sources.add(stub);
      }
    }
    assertThat(sources).hasSize(1);
    List<String> source = new ArrayList<>();
    source.add("package test;");
    source.add("import io.idempo.IdempotencyKey;");
    source.add("import io.idempo.IdempotentHandler;");
    source.add("import java.util.List;");
    source.add("import org.springframework.web.bind.annotation.RequestBody;");
    source.addAll(List.of(lines));
    sources.add(JavaFileObjects.forSourceLines("test.Endpoint", source));
    return Compiler.javac().withProcessors(new IdempotentHandlerProcessor()).compile(sources);
  }

  private static JavaFileObject endpoint(Compilation c) {
    return c.sourceFiles().get(c.sourceFiles().size() - 1);
  }

  @Test
  void aRequestBodyWithoutFingerprintIsWarnedAboutOnTheAnnotation() {
    Compilation c =
        compile(
            "public class Endpoint {",
            "  public record Request(String customer, long amount) {}",
            "  @IdempotentHandler(key = \"idempotencyKey\")",
            "  public String create(String idempotencyKey, @RequestBody Request request) {",
            "    return idempotencyKey;",
            "  }",
            "}");
    assertThat(c).succeeded();
    assertWarnsOnceOn(c, "@IdempotentHandler(key = \"idempotencyKey\")");
    // A warning, not an error: the wrapper is generated as before.
    assertThat(c).generatedSourceFile("test.IdempotentEndpoint");
  }

  @Test
  void anExplicitlyEmptyFingerprintIsNoFingerprint() {
    Compilation c =
        compile(
            "public class Endpoint {",
            "  public record Request(String customer, long amount) {}",
            "  @IdempotentHandler(fingerprint = {})",
            "  public String create(@IdempotencyKey String key, @RequestBody Request request) {",
            "    return key;",
            "  }",
            "}");
    assertWarnsOnceOn(c, "@IdempotentHandler(fingerprint = {})");
  }

  @Test
  void aFingerprintSilencesIt() {
    assertThat(
            compile(
                "public class Endpoint {",
                "  public record Request(String customer, long amount) {}",
                "  @IdempotentHandler(key = \"idempotencyKey\", fingerprint = \"request\")",
                "  public String create(String idempotencyKey, @RequestBody Request request) {",
                "    return idempotencyKey;",
                "  }",
                "  @IdempotentHandler(key = \"idempotencyKey\", name = \"amount\","
                    + " fingerprint = \"request.amount\")",
                "  public String amount(String idempotencyKey, @RequestBody Request request) {",
                "    return idempotencyKey;",
                "  }",
                "}"))
        .succeededWithoutWarnings();
  }

  @Test
  void suppressWarningsOnTheMethodTheClassOrTheParameterSilencesIt() {
    assertThat(
            compile(
                "public class Endpoint {",
                "  public record Request(String customer, long amount) {}",
                "  @SuppressWarnings(\"idempo-fingerprint\")",
                "  @IdempotentHandler(key = \"idempotencyKey\")",
                "  public String create(String idempotencyKey, @RequestBody Request request) {",
                "    return idempotencyKey;",
                "  }",
                "}"))
        .succeededWithoutWarnings();
    assertThat(
            compile(
                "@SuppressWarnings({\"unchecked\", \"idempo-fingerprint\"})",
                "public class Endpoint {",
                "  public record Request(String customer, long amount) {}",
                "  @IdempotentHandler(key = \"idempotencyKey\")",
                "  public String create(String idempotencyKey, @RequestBody Request request) {",
                "    return idempotencyKey;",
                "  }",
                "}"))
        .succeededWithoutWarnings();
    assertThat(
            compile(
                "public class Endpoint {",
                "  public record Request(String customer, long amount) {}",
                "  @IdempotentHandler(key = \"idempotencyKey\")",
                "  public String create(String idempotencyKey,",
                "      @SuppressWarnings(\"idempo-fingerprint\") @RequestBody Request request) {",
                "    return idempotencyKey;",
                "  }",
                "}"))
        .succeededWithoutWarnings();
  }

  @Test
  void otherSuppressWarningsValuesDoNotSilenceIt() {
    Compilation c =
        compile(
            "@SuppressWarnings(\"all\")",
            "public class Endpoint {",
            "  public record Request(String customer, long amount) {}",
            "  @SuppressWarnings({\"unchecked\", \"idempo\", \"fingerprint\"})",
            "  @IdempotentHandler(key = \"idempotencyKey\")",
            "  public String create(String idempotencyKey, @RequestBody Request request) {",
            "    return idempotencyKey;",
            "  }",
            "}");
    assertWarnsOnceOn(c, "@IdempotentHandler(key = \"idempotencyKey\")");
  }

  @Test
  void aSuppressionInAnEnclosingClassSilencesANestedOne() {
    assertThat(
            compile(
                "@SuppressWarnings(\"idempo-fingerprint\")",
                "public class Endpoint {",
                "  public record Request(String customer, long amount) {}",
                "  public static class Inner {",
                "    @IdempotentHandler(key = \"idempotencyKey\")",
                "    public String create(String idempotencyKey, @RequestBody Request request) {",
                "      return idempotencyKey;",
                "    }",
                "  }",
                "}"))
        .succeededWithoutWarnings();
  }

  @Test
  void messageHandlersWithoutRequestBodyAreSilent() {
    assertThat(
            compile(
                "public class Endpoint {",
                "  public record Request(String id, long amount) {}",
                "  @IdempotentHandler(key = \"request.id\")",
                "  public String create(Request request) {",
                "    return request.id();",
                "  }",
                "  @IdempotentHandler(key = \"requests[*].id\")",
                "  public void settle(List<Request> requests) {}",
                "}"))
        .succeededWithoutWarnings();
  }

  @Test
  void batchHandlersCannotHaveAFingerprintSoAreSilent() {
    assertThat(
            compile(
                "public class Endpoint {",
                "  public record Request(String id, long amount) {}",
                "  @IdempotentHandler(key = \"requests[*].id\")",
                "  public void settle(@RequestBody List<Request> requests) {}",
                "}"))
        .succeededWithoutWarnings();
  }

  @Test
  void anInheritedHandlerIsWarnedAboutOnceOnItsOwnClass() {
    Compilation c =
        compile(
            "public class Endpoint {",
            "  public record Request(String customer, long amount) {}",
            "  @IdempotentHandler(key = \"idempotencyKey\")",
            "  public String create(String idempotencyKey, @RequestBody Request request) {",
            "    return idempotencyKey;",
            "  }",
            "  public static class Special extends Endpoint {}",
            "}");
    assertWarnsOnceOn(c, "@IdempotentHandler(key = \"idempotencyKey\")");
  }

  /** {@code c} warned once, with the fix, on the endpoint's line that contains {@code line}. */
  private static void assertWarnsOnceOn(Compilation c, String line) {
    assertThat(c).hadWarningCount(1);
    assertThat(c).hadWarningContaining(WARNING).inFile(endpoint(c)).onLineContaining(line);
  }
}
