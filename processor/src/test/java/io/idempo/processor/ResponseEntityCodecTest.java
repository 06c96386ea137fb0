package io.idempo.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Handler methods that return Spring's {@code ResponseEntity}: the starter's {@code
 * ResponseEntityCodec} when it is on the class path (the golden case {@code ResponseEntities}
 * shows the generated code), and an error naming the fix when it is not or when the body type is
 * unknown. Spring and the starter are stand-ins from that case's folder: the processor knows them
 * by name only.
 */
class ResponseEntityCodecTest {

  private static final String RESPONSE_ENTITY = "org.springframework.http.ResponseEntity";
  private static final String CODEC = "io.idempo.spring.web.ResponseEntityCodec";

  private static Compilation compile(boolean withCodec, String returnType) {
    List<JavaFileObject> sources = new ArrayList<>();
    for (JavaFileObject stub : TestSources.sources("cases", "ResponseEntities")) {
      String name = stub.getName();
      if (name.contains("ResponseEntity.java")
          || (withCodec && name.contains("ResponseEntityCodec.java"))) {
        sources.add(stub);
      }
    }
    sources.add(
        JavaFileObjects.forSourceLines(
            "test.Endpoint",
            "package test;",
            "import io.idempo.IdempotentHandler;",
            "import org.springframework.http.ResponseEntity;",
            "public class Endpoint {",
            "  @IdempotentHandler(key = \"idempotencyKey\")",
            "  public " + returnType + " create(String idempotencyKey) { return null; }",
            "}"));
    return Compiler.javac().withProcessors(new IdempotentHandlerProcessor()).compile(sources);
  }

  private static JavaFileObject endpoint(Compilation c) {
    return c.sourceFiles().get(c.sourceFiles().size() - 1);
  }

  @Test
  void responseEntityOfAStringUsesTheBuiltInBodyCodec() {
    Compilation c = compile(true, "ResponseEntity<String>");
    assertThat(c).succeededWithoutWarnings();
    assertThat(c)
        .generatedSourceFile("test.IdempotentEndpoint")
        .contentsAsUtf8String()
        .contains("ResponseEntityCodec.of(ResultCodecs.builtIn(String.class))");
  }

  @Test
  void withoutTheStarterTheErrorNamesIt() {
    Compilation c = compile(false, "ResponseEntity<String>");
    assertThat(c)
        .hadErrorContaining(
            "handler method `create` returns `ResponseEntity<String>`, but "
                + CODEC
                + " is not on the class path to store it, so a retry could not replay the"
                + " response; add io.idempo:idempo-spring-boot-starter to the build")
        .inFile(endpoint(c))
        .onLineContaining("public ResponseEntity<String> create");
  }

  @Test
  void rawResponseEntity() {
    Compilation c = compile(true, "ResponseEntity");
    assertThat(c)
        .hadErrorContaining(
            "handler method `create` returns `ResponseEntity`, whose body type is not given (a raw"
                + " type), so no codec can store the body for a retry; return ResponseEntity<B>"
                + " with the body's class as B, or ResponseEntity<Void> for no body")
        .inFile(endpoint(c))
        .onLineContaining("public ResponseEntity create");
  }

  @Test
  void wildcardResponseEntity() {
    Compilation c = compile(true, "ResponseEntity<?>");
    assertThat(c)
        .hadErrorContaining(
            "handler method `create` returns `ResponseEntity<?>`, whose body type is not a"
                + " concrete type")
        .inFile(endpoint(c))
        .onLineContaining("public ResponseEntity<?> create");
  }

  @Test
  void responseEntityOfVoidHasNoBodyCodec() {
    Compilation c = compile(true, "ResponseEntity<Void>");
    assertThat(c).succeeded();
    assertThat(c)
        .generatedSourceFile("test.IdempotentEndpoint")
        .contentsAsUtf8String()
        .contains("ResponseEntityCodec.withoutBody()");
  }

  @Test
  void theStandInsAreNamedAsTheRealTypes() {
    // Guards the stand-ins' names: the processor matches these exact names.
    assertThat(compile(true, "ResponseEntity<Void>"))
        .generatedSourceFile("test.IdempotentEndpoint")
        .contentsAsUtf8String()
        .contains("import " + RESPONSE_ENTITY + ";");
  }
}
