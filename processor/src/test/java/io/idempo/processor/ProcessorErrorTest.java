package io.idempo.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every mistake the processor reports: the message names the problem and the fix, and points at
 * the line that has it.
 */
class ProcessorErrorTest {

  private static final JavaFileObject EVENTS =
      JavaFileObjects.forSourceString(
          "test.OrderPlaced",
          """
          package test;
          import java.util.List;
          public record OrderPlaced(
              String orderId, Customer customer, long amount, List<String> lines) {
            public record Customer(String email) {
              public void touch() {}
            }
          }
          """);

  private static final JavaFileObject BEAN =
      JavaFileObjects.forSourceString(
          "test.Bean",
          """
          package test;
          public class Bean {
            private String secret;
            public String code;
            public String getName() { return secret; }
          }
          """);

  private static Compilation compile(String... lines) {
    JavaFileObject handler = JavaFileObjects.forSourceLines("test.Handler", lines);
    return Compiler.javac()
        .withProcessors(new IdempotentHandlerProcessor())
        // As an application without Jackson, where a result type needs a codec.
        .withClasspath(TestSources.classpathWithout(TestSources.JACKSON_3, TestSources.JACKSON_2))
        .compile(EVENTS, BEAN, handler);
  }

  private static Compilation compileHandler(String... members) {
    String[] lines = new String[members.length + 8];
    lines[0] = "package test;";
    lines[1] = "import io.idempo.IdempotencyKey;";
    lines[2] = "import io.idempo.IdempotentHandler;";
    lines[3] = "import java.util.UUID;";
    lines[4] = "import io.idempo.runtime.ResultCodec;";
    lines[5] = "import java.util.List;";
    lines[6] = "public class Handler {";
    System.arraycopy(members, 0, lines, 7, members.length);
    lines[lines.length - 1] = "}";
    return compile(lines);
  }

  @Nested
  class HandlerMethods {
    @Test
    void privateMethod() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"event.orderId\")",
              "  private void handle(OrderPlaced event) {}");
      assertThat(c)
          .hadErrorContaining("handler method `handle` is private")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("private void handle");
      assertThat(c).hadErrorContaining("make it package-private, protected or public");
    }

    @Test
    void staticMethod() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"event.orderId\")",
              "  static void handle(OrderPlaced event) {}");
      assertThat(c)
          .hadErrorContaining("handler method `handle` is static")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("static void handle");
    }

    @Test
    void finalMethod() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"event.orderId\")",
              "  public final void handle(OrderPlaced event) {}");
      assertThat(c)
          .hadErrorContaining("handler method `handle` is final, so the generated subclass cannot"
              + " override it; remove `final`")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("final void handle");
    }

    @Test
    void abstractMethod() {
      Compilation c =
          compile(
              "package test;",
              "import io.idempo.IdempotentHandler;",
              "public abstract class Handler {",
              "  @IdempotentHandler(key = \"event.orderId\")",
              "  public abstract void handle(OrderPlaced event);",
              "}");
      assertThat(c)
          .hadErrorContaining("handler method `handle` is abstract")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("abstract void handle");
    }

    @Test
    void everyProblemOfOneMethodIsReported() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"event.orderIdd\", ttl = \"7 days\")",
              "  private static void handle(OrderPlaced event) {}");
      assertThat(c).hadErrorContaining("is private");
      assertThat(c).hadErrorContaining("is static");
      assertThat(c).hadErrorContaining("did you mean `orderId`?");
      assertThat(c).hadErrorContaining("ttl \"7 days\"");
      assertThat(c).hadErrorCount(4);
    }

    @Test
    void returnTypeWithoutCodec() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"event.orderId\")",
              "  public OrderPlaced.Customer handle(OrderPlaced event) { return null; }");
      assertThat(c)
          .hadErrorContaining(
              "handler method `handle` returns `OrderPlaced.Customer`, which has no built-in result"
                  + " codec")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("public OrderPlaced.Customer handle");
      assertThat(c)
          .hadErrorContaining(
              "so a duplicate delivery could not replay the result; add Jackson to the build"
                  + " (tools.jackson.core:jackson-databind; or Jackson 2,"
                  + " com.fasterxml.jackson.core:jackson-databind with jackson-datatype-jsr310 and"
                  + " jackson-datatype-jdk8) to store it as JSON, or implement"
                  + " io.idempo.runtime.ResultCodec<OrderPlaced.Customer> and name it in"
                  + " @IdempotentHandler(codec = ...), or return void");
    }

    @Test
    void returnTypeWithoutCodecWithJackson2LackingItsJavaTimeModule() {
      JavaFileObject handler =
          JavaFileObjects.forSourceString(
              "test.Handler",
              """
              package test;
              import io.idempo.IdempotentHandler;
              public class Handler {
                @IdempotentHandler(key = "event.orderId")
                public OrderPlaced.Customer handle(OrderPlaced event) { return null; }
              }
              """);
      Compilation c =
          Compiler.javac()
              .withProcessors(new IdempotentHandlerProcessor())
              .withClasspath(
                  TestSources.classpathWithout(
                      TestSources.JACKSON_3, TestSources.JACKSON_2_JAVA_TIME))
              .compile(EVENTS, handler);
      assertThat(c)
          .hadErrorContaining(
              "Jackson 2 is on the classpath, but storing results as JSON with it also takes"
                  + " com.fasterxml.jackson.datatype:jackson-datatype-jsr310 (for java.time and"
                  + " Optional values); add it, or Jackson 3 (tools.jackson.core:jackson-databind),"
                  + " or implement io.idempo.runtime.ResultCodec<OrderPlaced.Customer>")
          .inFile(handler)
          .onLineContaining("public OrderPlaced.Customer handle");
    }

    @Test
    void codecForAnotherType() {
      Compilation c =
          compileHandler(
              "  public static class UuidCodec implements ResultCodec<UUID> {",
              "    public byte[] encode(UUID v) { return null; }",
              "    public UUID decode(byte[] b) { return null; }",
              "  }",
              "  @IdempotentHandler(key = \"event.orderId\", codec = UuidCodec.class)",
              "  public List<String> handle(OrderPlaced event) { return null; }");
      assertThat(c)
          .hadErrorContaining(
              "codec `Handler.UuidCodec` of handler method `handle` does not implement"
                  + " ResultCodec<List<String>>")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("codec = UuidCodec.class");
    }

    @Test
    void codecWithoutPublicNoArgConstructor() {
      Compilation c =
          compileHandler(
              "  public static class ListCodec implements ResultCodec<List<String>> {",
              "    ListCodec(int size) {}",
              "    public byte[] encode(List<String> v) { return null; }",
              "    public List<String> decode(byte[] b) { return null; }",
              "  }",
              "  @IdempotentHandler(key = \"event.orderId\", codec = ListCodec.class)",
              "  public List<String> handle(OrderPlaced event) { return null; }");
      assertThat(c)
          .hadErrorContaining("codec `Handler.ListCodec` of handler method `handle` has no public"
              + " no-argument constructor")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("codec = ListCodec.class");
    }

    @Test
    void codecOnVoidMethod() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"event.orderId\", codec = String.class)",
              "  public void handle(OrderPlaced event) {}");
      assertThat(c)
          .hadErrorContaining("returns void, so it has no result to encode; remove codec")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("codec = String.class");
    }

    @Test
    void returnTypeVariable() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"event.orderId\")",
              "  public <T> T handle(OrderPlaced event) { return null; }");
      assertThat(c)
          .hadErrorContaining("returns `T`, which depends on a type variable")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("public <T> T handle");
    }

    @Test
    void duplicateNames() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"event.orderId\")",
              "  public void handle(OrderPlaced event) {}",
              "  @IdempotentHandler(key = \"id\")",
              "  public void handle(String id) {}");
      assertThat(c)
          .hadErrorContaining(
              "handler methods `handle` and `handle` of `Handler` share the handler name"
                  + " \"test.Handler#handle\"")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("key = \"id\"");
      assertThat(c).hadErrorContaining("Set a distinct @IdempotentHandler(name = \"...\")");
    }

    @Test
    void duplicateExplicitNames() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"event.orderId\", name = \"orders\")",
              "  public void first(OrderPlaced event) {}",
              "  @IdempotentHandler(key = \"event.orderId\", name = \"orders\")",
              "  public void second(OrderPlaced event) {}");
      assertThat(c)
          .hadErrorContaining("handler methods `first` and `second` of `Handler` share the handler"
              + " name \"orders\"")
          .inFile(c.sourceFiles().get(2))
          .onLine(10);
    }

    @Test
    void blankName() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"event.orderId\", name = \"  \")",
              "  public void handle(OrderPlaced event) {}");
      assertThat(c)
          .hadErrorContaining("name of handler method `handle` is blank")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("name = \"  \"");
    }

    @Test
    void invalidTtl() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"event.orderId\",",
              "      ttl = \"7 days\")",
              "  public void handle(OrderPlaced event) {}");
      assertThat(c)
          .hadErrorContaining(
              "ttl \"7 days\" of handler method `handle` is not an ISO-8601 duration; write a"
                  + " positive ISO-8601 duration as accepted by java.time.Duration.parse, such as"
                  + " \"P7D\"")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("ttl = \"7 days\"");
    }

    @Test
    void nonPositiveTtl() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"event.orderId\", ttl = \"PT0S\")",
              "  public void handle(OrderPlaced event) {}");
      assertThat(c)
          .hadErrorContaining("ttl \"PT0S\" of handler method `handle` is not positive")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("ttl = \"PT0S\"");
    }

    @Test
    void invalidLease() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"event.orderId\", mode = IdempotentHandler.Mode.LEASE,",
              "      lease = \"-PT5M\")",
              "  public void handle(OrderPlaced event) {}");
      assertThat(c)
          .hadErrorContaining("lease \"-PT5M\" of handler method `handle` is not positive")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("lease = \"-PT5M\"");
    }
  }

  @Nested
  class Keys {
    @Test
    void unknownSegmentSuggestsClosestName() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"event.orderIdd\")",
              "  public void handle(OrderPlaced event) {}");
      assertThat(c)
          .hadErrorContaining("no property `orderIdd` on `OrderPlaced`; did you mean `orderId`?")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("key = \"event.orderIdd\"");
    }

    @Test
    void unknownSegmentListsProperties() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"event.customer.phoneNumber\")",
              "  public void handle(OrderPlaced event) {}");
      assertThat(c)
          .hadErrorContaining(
              "no property `phoneNumber` on `OrderPlaced.Customer`; its properties are `email`")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("key = \"event.customer.phoneNumber\"");
    }

    @Test
    void getterAndPublicFieldResolveButPrivateFieldDoesNot() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"bean.secret\")",
              "  public void handle(Bean bean) {}");
      assertThat(c)
          .hadErrorContaining(
              "key path `bean.secret`: `secret` on `Bean` is not accessible from package `test`")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("key = \"bean.secret\"");
      assertThat(
              compileHandler(
                  "  @IdempotentHandler(key = \"bean.name\", name = \"a\")",
                  "  public void a(Bean bean) {}",
                  "  @IdempotentHandler(key = \"bean.code\", name = \"b\")",
                  "  public void b(Bean bean) {}"))
          .succeeded();
    }

    @Test
    void firstSegmentIsNotAParameter() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"evnt.orderId\")",
              "  public void handle(OrderPlaced event, String tenant) {}");
      assertThat(c)
          .hadErrorContaining(
              "key path `evnt.orderId` starts with `evnt`, which is not a parameter of `handle`;"
                  + " the first segment of a key path names a parameter (`event`, `tenant`); did"
                  + " you mean `event`?")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("key = \"evnt.orderId\"");
    }

    @Test
    void emptySegment() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"event..orderId\")",
              "  public void handle(OrderPlaced event) {}");
      assertThat(c)
          .hadErrorContaining("key path `event..orderId` has an empty segment")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("key = \"event..orderId\"");
    }

    @Test
    void segmentIsNotAnIdentifier() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"event.order-id\")",
              "  public void handle(OrderPlaced event) {}");
      assertThat(c)
          .hadErrorContaining("`order-id` in key path `event.order-id` is not a Java identifier")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("key = \"event.order-id\"");
    }

    @Test
    void pathThroughVoidMethod() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"event.customer.touch\")",
              "  public void handle(OrderPlaced event) {}");
      assertThat(c)
          .hadErrorContaining(
              "`touch()` on `OrderPlaced.Customer` returns void, so it has no value to use as a"
                  + " key")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("key = \"event.customer.touch\"");
    }

    @Test
    void pathEndsInTypeWithoutStableStringForm() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"event.lines\")",
              "  public void handle(OrderPlaced event) {}");
      assertThat(c)
          .hadErrorContaining(
              "key path `event.lines` ends in a value of type `List<String>`, which has no stable"
                  + " string form; a key must be String (or another CharSequence), a primitive")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("key = \"event.lines\"");
    }

    @Test
    void pathContinuesAfterPrimitive() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"event.amount.value\")",
              "  public void handle(OrderPlaced event) {}");
      assertThat(c)
          .hadErrorContaining(
              "`event.amount` is a `long`, which has no property `value`; end the key path at"
                  + " `event.amount`")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("key = \"event.amount.value\"");
    }

    @Test
    void keyAndIdempotencyKeyBoth() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"event.orderId\")",
              "  public void handle(OrderPlaced event, @IdempotencyKey UUID id) {}");
      assertThat(c)
          .hadErrorContaining(
              "handler method `handle` names its key twice: key = \"event.orderId\" and"
                  + " @IdempotencyKey on parameter `id`; keep one of them")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("key = \"event.orderId\"");
    }

    @Test
    void noKey() {
      Compilation c =
          compileHandler("  @IdempotentHandler", "  public void handle(OrderPlaced event) {}");
      assertThat(c)
          .hadErrorContaining(
              "handler method `handle` has no idempotency key; set @IdempotentHandler(key ="
                  + " \"event.id\") to a key path into a parameter, or mark one parameter"
                  + " @IdempotencyKey")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("@IdempotentHandler");
    }

    @Test
    void twoKeyParameters() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler",
              "  public void handle(@IdempotencyKey UUID a,",
              "      @IdempotencyKey String b) {}");
      assertThat(c)
          .hadErrorContaining(
              "handler method `handle` marks more than one parameter @IdempotencyKey (`a`, `b`)")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("@IdempotencyKey String b");
    }

    @Test
    void keyParameterWithoutStableStringForm() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler",
              "  public void handle(@IdempotencyKey OrderPlaced event) {}");
      assertThat(c)
          .hadErrorContaining(
              "parameter `event` is marked @IdempotencyKey, but its type `OrderPlaced` has no"
                  + " stable string form")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("@IdempotencyKey OrderPlaced event");
    }

    @Test
    void keyParameterOnMethodThatIsNotAHandler() {
      Compilation c = compileHandler("  public void handle(@IdempotencyKey UUID id) {}");
      assertThat(c)
          .hadErrorContaining(
              "@IdempotencyKey has no effect here: `handle` is not annotated @IdempotentHandler")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("@IdempotencyKey UUID id");
    }
  }

  @Nested
  class HandlerClasses {
    @Test
    void interfaceMethod() {
      Compilation c =
          compile(
              "package test;",
              "import io.idempo.IdempotentHandler;",
              "public interface Handler {",
              "  @IdempotentHandler(key = \"event.orderId\")",
              "  void handle(OrderPlaced event);",
              "}");
      assertThat(c)
          .hadErrorContaining(
              "@IdempotentHandler on `handle`: `Handler` is an interface; Idempo wraps a class's"
                  + " implementation of a handler method")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("void handle");
    }

    @Test
    void enumMethod() {
      Compilation c =
          compile(
              "package test;",
              "import io.idempo.IdempotentHandler;",
              "public enum Handler {",
              "  INSTANCE;",
              "  @IdempotentHandler(key = \"event.orderId\")",
              "  public void handle(OrderPlaced event) {}",
              "}");
      assertThat(c)
          .hadErrorContaining("`Handler` is an enum, which cannot be subclassed")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("void handle");
    }

    @Test
    void finalClassWithoutInterfaces() {
      Compilation c =
          compile(
              "package test;",
              "import io.idempo.IdempotentHandler;",
              "public final class Handler {",
              "  @IdempotentHandler(key = \"event.orderId\")",
              "  public void handle(OrderPlaced event) {}",
              "}");
      assertThat(c)
          .hadErrorContaining(
              "`Handler` is final, so Idempo cannot generate a subclass that wraps `handle`, and it"
                  + " implements no interface that a generated decorator could implement instead."
                  + " Make the class extensible, or implement an interface that declares the"
                  + " handler method")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("public final class Handler");
      assertThat(c).hadErrorCount(1);
    }

    @Test
    void recordWithoutInterfaces() {
      Compilation c =
          compile(
              "package test;",
              "import io.idempo.IdempotentHandler;",
              "public record Handler(String name) {",
              "  @IdempotentHandler(key = \"event.orderId\")",
              "  public void handle(OrderPlaced event) {}",
              "}");
      assertThat(c)
          .hadErrorContaining("`Handler` is a record, so Idempo cannot generate a subclass")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("public record Handler");
    }

    @Test
    void finalClassMethodThatNoInterfaceDeclares() {
      Compilation c =
          compile(
              "package test;",
              "import io.idempo.IdempotentHandler;",
              "public final class Handler implements Runnable {",
              "  @Override public void run() {}",
              "  @IdempotentHandler(key = \"event.orderId\")",
              "  public void handle(OrderPlaced event) {}",
              "}");
      assertThat(c)
          .hadErrorContaining(
              "no interface of `Handler` declares handler method `handle`; declare it in an"
                  + " interface that `Handler` implements, or make the class extensible")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("public void handle");
    }

    @Test
    void noAccessibleConstructor() {
      Compilation c =
          compileHandler(
              "  private Handler() {}",
              "  @IdempotentHandler(key = \"event.orderId\")",
              "  public void handle(OrderPlaced event) {}");
      assertThat(c)
          .hadErrorContaining(
              "`Handler` has no constructor that the generated subclass `IdempotentHandler` can"
                  + " call: all are private. Make one package-private, protected or public")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("public class Handler");
    }

    @Test
    void constructorParameterAnnotationTheWrapperCannotName() {
      Compilation c =
          compileHandler(
              "  private @interface Tenant {}",
              "  public Handler(@Tenant String tenant) {}",
              "  @IdempotentHandler(key = \"event.orderId\")",
              "  public void handle(OrderPlaced event) {}");
      assertThat(c)
          .hadErrorContaining(
              "constructor parameter `tenant` is annotated @Handler.Tenant, which the generated"
                  + " subclass repeats on its constructor, but `Handler.Tenant` is not accessible"
                  + " from package `test`; make it package-private or public")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("public Handler(@Tenant String tenant)");
    }

    @Test
    void privateNestedClass() {
      Compilation c =
          compile(
              "package test;",
              "import io.idempo.IdempotentHandler;",
              "public class Handler {",
              "  private static class Inner {",
              "    @IdempotentHandler(key = \"event.orderId\")",
              "    public void handle(OrderPlaced event) {}",
              "  }",
              "}");
      assertThat(c)
          .hadErrorContaining(
              "`Handler.Inner` is private, so the generated top-level class"
                  + " `IdempotentHandler_Inner` cannot extend or name `Handler.Inner`; make it"
                  + " package-private or public")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("private static class Inner");
    }

    @Test
    void innerClass() {
      Compilation c =
          compile(
              "package test;",
              "import io.idempo.IdempotentHandler;",
              "public class Handler {",
              "  public class Inner {",
              "    @IdempotentHandler(key = \"event.orderId\")",
              "    public void handle(OrderPlaced event) {}",
              "  }",
              "}");
      assertThat(c)
          .hadErrorContaining(
              "`Handler.Inner` is an inner class: each instance needs an enclosing `Handler`"
                  + " instance, which the generated top-level class `IdempotentHandler_Inner`"
                  + " cannot supply; declare it `static`")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("public class Inner");
    }

    @Test
    void parameterTypeNotAccessibleFromGeneratedClass() {
      Compilation c =
          compile(
              "package test;",
              "import io.idempo.IdempotentHandler;",
              "public class Handler {",
              "  private record Secret(String id) {}",
              "  static class Inner {",
              "    @IdempotentHandler(key = \"event.id\")",
              "    void handle(Secret event) {}",
              "  }",
              "}");
      assertThat(c)
          .hadErrorContaining(
              "handler method `handle` uses `Handler.Secret`, which is not accessible from"
                  + " package `test`")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("void handle(Secret event)");
    }

    @Test
    void inheritedHandlerMethodWithAProblem() {
      JavaFileObject base =
          JavaFileObjects.forSourceString(
              "test.Base",
              """
              package test;
              import io.idempo.IdempotentHandler;
              public class Base {
                @IdempotentHandler(key = "event.orderId", ttl = "soon")
                public void handle(OrderPlaced event) {}
              }
              """);
      JavaFileObject sub =
          JavaFileObjects.forSourceString(
              "test.Sub",
              """
              package test;
              import io.idempo.IdempotentHandler;
              public class Sub extends Base {
                @IdempotentHandler(key = "event.orderId", name = "sub")
                public void other(OrderPlaced event) {}
              }
              """);
      Compilation c =
          Compiler.javac()
              .withProcessors(new IdempotentHandlerProcessor())
              .compile(EVENTS, base, sub);
      assertThat(c)
          .hadErrorContaining("ttl \"soon\" of handler method `handle` is not an ISO-8601 duration")
          .inFile(base)
          .onLineContaining("ttl = \"soon\"");
      assertThat(c)
          .hadErrorContaining(
              "`Sub` inherits handler method `handle` from `Base`, which its wrapper must guard"
                  + " too, but: ttl \"soon\"")
          .inFile(sub)
          .onLineContaining("public class Sub");
      assertThat(c).hadErrorCount(2);
    }

    @Test
    void unresolvableTypeIsReportedWhenProcessingIsOver() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"event.id\")",
              "  public void handle(MissingEvent event) {}");
      assertThat(c)
          .hadErrorContaining(
              "could not generate IdempotentHandler because these types could not be resolved:"
                  + " MissingEvent")
          .inFile(c.sourceFiles().get(2))
          .onLineContaining("public class Handler");
    }
  }

  /** Batch handlers: {@code key = "events[*].orderId"} on a List, Collection or array parameter. */
  @Nested
  class Batches {
    private void assertKeyError(Compilation c, String message, String line) {
      assertThat(c)
          .hadErrorContaining(message)
          .inFile(c.sourceFiles().get(2))
          .onLineContaining(line);
    }

    @Test
    void listCollectionArrayAndBoundedWildcardsAreBatches() {
      assertThat(
              compileHandler(
                  "  @IdempotentHandler(key = \"events[*].orderId\", name = \"a\")",
                  "  public void a(List<OrderPlaced> events) {}",
                  "  @IdempotentHandler(key = \"events[*].customer.email\", name = \"b\")",
                  "  public void b(java.util.Collection<? extends OrderPlaced> events) {}",
                  "  @IdempotentHandler(key = \"ids[*]\", name = \"c\")",
                  "  public void c(String tenant, UUID... ids) {}",
                  "  @IdempotentHandler(key = \"events[*].orderId\", name = \"d\")",
                  "  public <T extends OrderPlaced> void d(List<T> events) {}"))
          .succeededWithoutWarnings();
    }

    @Test
    void aFinalClassGetsABatchDecoratorAndGenericElementsResolveThroughTheirArguments() {
      Compilation c =
          compile(
              "package test;",
              "import io.idempo.IdempotentHandler;",
              "import java.util.List;",
              "public final class Handler implements Api {",
              "  @IdempotentHandler(key = \"records[*].value.orderId\")",
              "  @Override",
              "  public void handle(List<Envelope<String, OrderPlaced>> records) {}",
              "}",
              "interface Api { void handle(List<Envelope<String, OrderPlaced>> records); }",
              "record Envelope<K, V>(K key, V value) {}");
      assertThat(c).succeededWithoutWarnings();
      assertThat(c)
          .generatedSourceFile("test.IdempotentHandler")
          .contentsAsUtf8String()
          .contains("delegate.handle(acquired);");
    }

    @Test
    void unknownPropertyOfTheElementSuggestsClosestName() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"events[*].orderIdd\")",
              "  public void handle(List<OrderPlaced> events) {}");
      assertKeyError(
          c,
          "no property `orderIdd` on `OrderPlaced`; did you mean `orderId`? (in key path"
              + " `events[*].orderIdd`)",
          "key = \"events[*].orderIdd\"");
    }

    @Test
    void unknownBatchParameterSuggestsClosestName() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"evnts[*].orderId\")",
              "  public void handle(List<OrderPlaced> events) {}");
      assertKeyError(
          c, "starts with `evnts`, which is not a parameter of `handle`", "key = \"evnts[*]");
      assertThat(c).hadErrorContaining("did you mean `events`?");
    }

    @Test
    void batchHandlerMustReturnVoid() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"events[*].orderId\")",
              "  public int handle(List<OrderPlaced> events) { return 0; }");
      assertKeyError(
          c,
          "batch handler method `handle` (key path `events[*].orderId`) returns `int`, but a batch"
              + " handler must return void: the wrapper calls it with only the messages seen for"
              + " the first time, so it has no result for the duplicates. Return void",
          "public int handle");
      assertThat(c).hadErrorCount(1);
    }

    @Test
    void setAndIterableCannotBePassedASubset() {
      Compilation set =
          compileHandler(
              "  @IdempotentHandler(key = \"events[*].orderId\")",
              "  public void handle(java.util.Set<OrderPlaced> events) {}");
      Compilation iterable =
          compileHandler(
              "  @IdempotentHandler(key = \"events[*].orderId\")",
              "  public void handle(Iterable<OrderPlaced> events) {}");
      Compilation arrayList =
          compileHandler(
              "  @IdempotentHandler(key = \"events[*].orderId\")",
              "  public void handle(java.util.ArrayList<OrderPlaced> events) {}");
      assertKeyError(
          set,
          "key path `events[*].orderId`: `events` is a `Set<OrderPlaced>`, which the wrapper"
              + " cannot create with only the new messages; a batch parameter is a List, a"
              + " Collection or an array of messages",
          "key = \"events[*].orderId\"");
      assertThat(set).hadErrorContaining("Declare it as `List<...>`");
      assertKeyError(
          iterable, "`events` is a `Iterable<OrderPlaced>`, which", "key = \"events[*].orderId\"");
      assertKeyError(
          arrayList, "`events` is a `ArrayList<OrderPlaced>`, which", "key = \"events[*]");
    }

    @Test
    void rawAndUnboundedElementTypesHaveNothingToReadTheKeyFrom() {
      Compilation raw =
          compileHandler(
              "  @SuppressWarnings(\"rawtypes\")",
              "  @IdempotentHandler(key = \"events[*].orderId\")",
              "  public void handle(List events) {}");
      Compilation unbounded =
          compileHandler(
              "  @IdempotentHandler(key = \"events[*].orderId\")",
              "  public void handle(List<?> events) {}");
      Compilation lowerBounded =
          compileHandler(
              "  @IdempotentHandler(key = \"events[*].orderId\")",
              "  public void handle(List<? super OrderPlaced> events) {}");
      assertKeyError(
          raw,
          "`events` is a `List`, a raw type, so its messages have no type to read the key from;"
              + " declare the element type, such as `List<PaymentSettled>`",
          "key = \"events[*].orderId\"");
      assertKeyError(
          unbounded,
          "`events` is a `List<?>`, whose messages have no known type to read the key from",
          "key = \"events[*].orderId\"");
      assertKeyError(
          lowerBounded,
          "`events` is a `List<? super OrderPlaced>`, whose messages have no known type",
          "key = \"events[*].orderId\"");
    }

    @Test
    void primitiveArrayNamesTheBoxedAlternatives() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"ids[*]\")", "  public void handle(long[] ids) {}");
      assertKeyError(
          c,
          "`ids` is a `long[]`, an array of primitives; a batch parameter is a List, a Collection"
              + " or an array of messages",
          "key = \"ids[*]\"");
      assertThat(c).hadErrorContaining("so declare it as `Long[]` or `List<Long>`");
    }

    @Test
    void eachOnASingleMessageIsNotABatch() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"event[*].orderId\")",
              "  public void handle(OrderPlaced event) {}");
      assertKeyError(
          c,
          "`event` is a `OrderPlaced`, not a batch; a batch parameter is a List, a Collection or"
              + " an array of messages",
          "key = \"event[*].orderId\"");
      assertThat(c).hadErrorContaining("For a single message, remove `[*]`");
    }

    @Test
    void eachOnlyRightAfterTheBatchParameter() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"event.lines[*]\")",
              "  public void handle(OrderPlaced event) {}");
      assertKeyError(
          c,
          "key path `event.lines[*]`: `[*]` follows `lines`, but it may only follow the first"
              + " segment, the batch parameter, as in `events[*].paymentId`: the wrapper claims"
              + " one key per message of the batch, not one per item inside a message",
          "key = \"event.lines[*]\"");
    }

    @Test
    void eachTwiceIsAnError() {
      Compilation nested =
          compileHandler(
              "  @IdempotentHandler(key = \"events[*].lines[*]\")",
              "  public void handle(List<OrderPlaced> events) {}");
      Compilation doubled =
          compileHandler(
              "  @IdempotentHandler(key = \"events[*][*].orderId\")",
              "  public void handle(List<List<OrderPlaced>> events) {}");
      String twice =
          "`[*]` appears twice; a batch handler has one key per message, so `[*]` is written"
              + " once, right after the batch parameter";
      assertKeyError(nested, twice, "key = \"events[*].lines[*]\"");
      assertKeyError(doubled, twice, "key = \"events[*][*].orderId\"");
    }

    @Test
    void otherBracketsAreNotKeyPathSyntax() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler(key = \"events[0].orderId\")",
              "  public void handle(List<OrderPlaced> events) {}");
      assertKeyError(
          c,
          "key path `events[0].orderId`: `events[0]` is not a segment; the only brackets a key"
              + " path has are `[*]` right after the batch parameter",
          "key = \"events[0].orderId\"");
    }

    @Test
    void aBatchKeyedWithoutEachSaysHowToWriteIt() {
      Compilation property =
          compileHandler(
              "  @IdempotentHandler(key = \"events.orderId\")",
              "  public void handle(List<OrderPlaced> events) {}");
      Compilation whole =
          compileHandler(
              "  @IdempotentHandler(key = \"ids\")", "  public void handle(UUID[] ids) {}");
      assertKeyError(
          property,
          "key path `events.orderId`: `events` is a `List<OrderPlaced>`, a batch of messages,"
              + " which has no property `orderId`; for one key per message, write"
              + " `events[*].orderId`",
          "key = \"events.orderId\"");
      assertKeyError(
          whole,
          "For a batch handler, whose parameter holds many messages, write one key per message as"
              + " `ids[*].<property>`",
          "key = \"ids\"");
    }

    @Test
    void idempotencyKeyCannotMarkABatch() {
      Compilation c =
          compileHandler(
              "  @IdempotentHandler", "  public void handle(@IdempotencyKey List<String> ids) {}");
      assertKeyError(
          c,
          "parameter `ids` is marked @IdempotencyKey, but its type `List<String>` holds a batch"
              + " of messages, and @IdempotencyKey names one key for the whole call; remove it and"
              + " set @IdempotentHandler(key = \"ids[*].<property>\") for one key per message",
          "@IdempotencyKey List<String> ids");
    }
  }
}
