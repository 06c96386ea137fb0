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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Legal but unusual handlers: each must get a wrapper that compiles with every lint enabled and
 * warnings as errors. These are the shapes a user may write that the goldens do not show.
 */
class HandlerShapesTest {

  /** One handler file, with its package and any extra top-level types it needs. */
  record Shape(String name, String qualifiedName, String source) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final String EVENT =
      """
      package shapes;
      public interface Event {
        String id();
        default String tenant() { return "t"; }
      }
      """;

  static List<Shape> shapes() {
    List<Shape> shapes = new ArrayList<>();
    shapes.add(
        shape(
            "generic method",
            """
            public class Handler {
              @IdempotentHandler(key = "event.id")
              public <E extends Event> void handle(E event) {}
            }
            """));
    shapes.add(
        shape(
            "odd identifiers",
            """
            public class Handler {
              @IdempotentHandler(key = "$.id")
              public void $(Event $, int _x) {}
              @IdempotentHandler(key = "_e.tenant")
              void _handle(Event _e) {}
            }
            """));
    shapes.add(
        shape(
            "deprecated handler",
            """
            @Deprecated
            public class Handler {
              @Deprecated
              @IdempotentHandler(key = "event.id")
              public void handle(Event event) {}
            }
            """));
    shapes.add(
        shape(
            "raw type and generic varargs",
            """
            public class Handler {
              @SuppressWarnings("rawtypes")
              @IdempotentHandler
              public void handle(@IdempotencyKey String id, List raw) {}
              @SafeVarargs
              public Handler(List<String>... lists) {}
              @SuppressWarnings("unchecked")
              @IdempotentHandler(name = "varargs")
              public void many(@IdempotencyKey long id, List<String>... lists) {}
            }
            """));
    shapes.add(
        shape(
            "nested types that shadow runtime names",
            """
            public class Handler {
              public static class Claim {}
              public static class Objects {}
              public static class Duration {}
              protected int HANDLE_HANDLER;
              protected String store;
              @IdempotentHandler(key = "event.id")
              public void handle(Event event, Claim claim, Objects objects) {}
            }
            """));
    shapes.add(
        shape(
            "type variable named like a runtime type",
            """
            public class Handler<Claim extends Event> {
              @IdempotentHandler(key = "claim.id")
              public void handle(Claim claim) {}
            }
            """));
    shapes.add(
        new Shape(
            "handler class named like a runtime type",
            "shapes.Claim",
            """
            package shapes;
            import io.idempo.IdempotentHandler;
            public class Claim {
              @IdempotentHandler(key = "event.id")
              public String handle(Event event) { return "ok"; }
            }
            """));
    shapes.add(
        shape(
            "key through a wildcard",
            """
            public class Handler {
              public interface Box<T> { T value(); }
              @IdempotentHandler(key = "box.value.id")
              public void handle(Box<? extends Event> box) {}
            }
            """));
    shapes.add(
        shape(
            "inherited getter, field and default method",
            """
            public class Handler {
              public static class Base { public long serial; public String getCode() { return ""; } }
              public static class Sub extends Base implements Event { public String id() { return ""; } }
              @IdempotentHandler(key = "sub.code", name = "a")
              public void a(Sub sub) {}
              @IdempotentHandler(key = "sub.serial", name = "b")
              public void b(Sub sub) {}
              @IdempotentHandler(key = "sub.tenant", name = "c")
              public void c(Sub sub) {}
            }
            """));
    shapes.add(
        shape(
            "nested in an interface, deeply",
            """
            public interface Handler {
              class Middle {
                static class Inner {
                  @IdempotentHandler(key = "event.id")
                  protected synchronized void handle(Event event) {}
                }
              }
            }
            """));
    shapes.add(
        shape(
            "every key type",
            """
            public class Handler {
              public enum Kind { A }
              public record Keys(char c, boolean flag, Boolean boxed, java.math.BigDecimal amount,
                  java.time.ZoneId zone, StringBuilder text, Kind kind, java.time.LocalDate day) {}
              @IdempotentHandler(key = "k.c", name = "c") public void c(Keys k) {}
              @IdempotentHandler(key = "k.flag", name = "f") public void f(Keys k) {}
              @IdempotentHandler(key = "k.boxed", name = "b") public void b(Keys k) {}
              @IdempotentHandler(key = "k.amount", name = "a") public void a(Keys k) {}
              @IdempotentHandler(key = "k.zone", name = "z") public void z(Keys k) {}
              @IdempotentHandler(key = "k.text", name = "t") public void t(Keys k) {}
              @IdempotentHandler(key = "k.kind", name = "k") public void k(Keys k) {}
              @IdempotentHandler(key = "k.day", name = "d") public void d(Keys k) {}
              @IdempotentHandler(name = "i") public void i(@IdempotencyKey int id) {}
              @IdempotentHandler(name = "e") public <K extends Enum<K>> void e(@IdempotencyKey K kind) {}
            }
            """));
    shapes.add(
        shape(
            "generic exception and custom codec for a generic type",
            """
            public class Handler {
              public static class ListCodec implements ResultCodec<List<String>> {
                public byte[] encode(List<String> v) { return new byte[0]; }
                public List<String> decode(byte[] b) { return List.of(); }
              }
              @IdempotentHandler(key = "event.id", codec = ListCodec.class)
              public <X extends Exception> List<String> handle(Event event) throws X {
                return List.of();
              }
            }
            """));
    shapes.add(
        shape(
            "generic record decorator",
            """
            public record Handler<T extends Event>(List<T> seen) implements Consumer<T>, Comparable<Handler<T>> {
              @IdempotentHandler(key = "event.id")
              @Override
              public void accept(T event) { seen.add(event); }
              @Override
              public int compareTo(Handler<T> other) { return 0; }
            }
            """));
    shapes.add(
        shape(
            "package-private handler with package-private members",
            """
            class Handler {
              static class Msg { String ref; int getNumber() { return 1; } }
              Handler(String a, int b) {}
              protected Handler() {}
              @IdempotentHandler(key = "msg.ref", name = "a")
              void a(Msg msg) {}
              @IdempotentHandler(key = "msg.number", name = "b")
              int b(Msg msg) { return 2; }
            }
            """));
    shapes.add(
        shape(
            "nested record decorator",
            """
            public final class Handler {
              private Handler() {}
              public record Counter(List<String> seen) implements Consumer<String> {
                @IdempotentHandler(key = "id")
                @Override
                public void accept(String id) { seen.add(id); }
              }
            }
            """));
    shapes.add(
        shape(
            "fingerprints of generic records, beans, nested lists and clashing names",
            """
            public class Handler {
              public record Envelope<T>(String id, T body, List<T> more) {}
              public record Item(
                  String path, String value, int[] fingerprint, byte[] bytes,
                  List<List<String>> grid) {}
              public interface Named { String getName(); }
              public static class Base { public String getBaseName() { return "b"; } }
              public static class Bean extends Base implements Named {
                public String field;
                @Override public String getName() { return "n"; }
                public boolean isActive() { return true; }
                public Boolean isBoxed() { return true; }
                public java.util.Collection<Item> getItems() { return List.of(); }
              }
              @IdempotentHandler(
                  key = "envelope.id", fingerprint = {"envelope", "fingerprint", "bean"})
              public String handle(Envelope<Item> envelope, String fingerprint, Bean bean) {
                return "";
              }
              @IdempotentHandler(key = "other.id", fingerprint = "other", name = "second")
              public void second(Envelope<String> other) {}
              @IdempotentHandler(key = "nested.id", fingerprint = "nested", name = "third")
              public void third(Envelope<Envelope<String>> nested) {}
            }
            """));
    shapes.add(
        shape(
            "fingerprinted decorator",
            """
            public final class Handler implements Consumer<Handler.Msg> {
              public record Msg(String id, java.math.BigDecimal amount, Msg.Kind kind) {
                public enum Kind { A, B }
              }
              @IdempotentHandler(key = "msg.id", fingerprint = {"msg.amount", "msg.kind"})
              @Override
              public void accept(Msg msg) {}
            }
            """));
    shapes.add(
        new Shape(
            "unnamed package",
            "Handler",
            """
            import io.idempo.IdempotentHandler;
            public class Handler {
              @IdempotentHandler(key = "id")
              public void handle(String id) {}
            }
            """));
    return shapes;
  }

  private static Shape shape(String name, String body) {
    return new Shape(
        name,
        "shapes.Handler",
        """
        package shapes;
        import io.idempo.IdempotencyKey;
        import io.idempo.IdempotentHandler;
        import io.idempo.runtime.ResultCodec;
        import java.util.List;
        import java.util.function.Consumer;
        """
            + body);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void wrapperCompilesWithoutWarnings(Shape shape) {
    Compilation compilation =
        Compiler.javac()
            .withProcessors(new IdempotentHandlerProcessor())
            .withOptions("-Xlint:all,-processing", "-Werror")
            .compile(
                JavaFileObjects.forSourceString("shapes.Event", EVENT),
                JavaFileObjects.forSourceString(shape.qualifiedName(), shape.source()));
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation.generatedSourceFiles()).hasSize(1);
  }

  @Test
  void injectionAnnotationOfAConstructorIsCopied() throws java.io.IOException {
    JavaFileObject inject =
        JavaFileObjects.forSourceString(
            "javax.inject.Inject",
            """
            package javax.inject;
            import java.lang.annotation.*;
            @Retention(RetentionPolicy.RUNTIME)
            @Target(ElementType.CONSTRUCTOR)
            public @interface Inject {}
            """);
    JavaFileObject handler =
        JavaFileObjects.forSourceString(
            "shapes.Handler",
            """
            package shapes;
            import io.idempo.IdempotentHandler;
            public class Handler {
              @javax.inject.Inject
              public Handler(String name) {}
              Handler() {}
              @IdempotentHandler(key = "id")
              public void handle(String id) {}
            }
            """);
    Compilation compilation =
        Compiler.javac().withProcessors(new IdempotentHandlerProcessor()).compile(inject, handler);
    assertThat(compilation).succeededWithoutWarnings();
    String generated =
        compilation.generatedSourceFiles().get(0).getCharContent(false).toString();
    assertThat(generated)
        .contains("  @Inject\n  public IdempotentHandler(IdempotencyStore store, String name) {");
    assertThat(generated).contains("\n  public IdempotentHandler(IdempotencyStore store) {");
  }

  @Test
  void deprecatedParameterAnnotationIsCopiedWithoutAWarning() throws java.io.IOException {
    JavaFileObject handler =
        JavaFileObjects.forSourceString(
            "shapes.Handler",
            """
            package shapes;
            import io.idempo.IdempotentHandler;
            import java.lang.annotation.*;
            public class Handler {
              @Deprecated @Retention(RetentionPolicy.RUNTIME) @interface Old {}
              @Deprecated(forRemoval = true) @Target(ElementType.TYPE_USE) @interface Gone {}
              @SuppressWarnings({"deprecation", "removal"})
              public Handler(@Old String name, java.util.List<@Gone String> tags) {}
              @IdempotentHandler(key = "id")
              public void handle(String id) {}
            }
            """);
    Compilation compilation =
        Compiler.javac()
            .withProcessors(new IdempotentHandlerProcessor())
            .withOptions("-Xlint:all,-processing", "-Werror")
            .compile(handler);
    assertThat(compilation).succeededWithoutWarnings();
    String generated =
        compilation.generatedSourceFiles().get(0).getCharContent(false).toString();
    assertThat(generated)
        .contains(
            "  @SuppressWarnings({\"deprecation\", \"removal\"})\n  public IdempotentHandler("
                + "IdempotencyStore store, @Handler.Old String name,");
  }

  @Test
  void typeGeneratedByAnotherProcessorInALaterRoundIsWaitedFor() {
    JavaFileObject handler =
        JavaFileObjects.forSourceString(
            "shapes.Handler",
            """
            package shapes;
            import io.idempo.IdempotentHandler;
            public class Handler {
              @IdempotentHandler(key = "event.id")
              public void handle(GeneratedEvent event) {}
            }
            """);
    Compilation compilation =
        Compiler.javac()
            .withProcessors(new IdempotentHandlerProcessor(), new EventGenerator())
            .compile(handler);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("shapes.IdempotentHandler");
  }
}
