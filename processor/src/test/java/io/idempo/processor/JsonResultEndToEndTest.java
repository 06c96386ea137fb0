package io.idempo.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import io.idempo.processor.e2e.Payment;
import io.idempo.processor.e2e.Receipt;
import io.idempo.processor.e2e.ReceiptApi;
import io.idempo.runtime.IdempotencyStore;
import io.idempo.runtime.InMemoryIdempotencyStore;
import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compiles a handler whose results have no built-in codec, once with Jackson 3 on the classpath and
 * once with only Jackson 2, and checks that its wrapper replays an equal record (and list of
 * records) for a duplicate, in memory and on H2, where the JSON really goes through the table; and
 * that a result type asking for class names in its JSON stops the wrapper at class initialization.
 */
class JsonResultEndToEndTest {

  private static final AtomicInteger DATABASES = new AtomicInteger();

  /** Each Jackson, with the codec class the processor should choose for it. */
  static Stream<Arguments> cases() {
    return Stream.of("Jackson3ResultCodec", "Jackson2ResultCodec")
        .flatMap(codec -> Stream.of("in-memory", "H2").map(store -> Arguments.of(codec, store)));
  }

  private static ReceiptApi wrapper(String codec, String store)
      throws ReflectiveOperationException, IOException {
    Compiler javac = Compiler.javac().withProcessors(new IdempotentHandlerProcessor());
    if (codec.equals("Jackson2ResultCodec")) {
      javac = javac.withClasspath(TestSources.classpathWithout(TestSources.JACKSON_3));
    }
    Compilation compilation = javac.compile(TestSources.sources("e2e", "Receipts"));
    assertThat(compilation).succeededWithoutWarnings();
    String generated =
        compilation
            .generatedSourceFile("io.idempo.processor.e2e.IdempotentReceiptHandler")
            .orElseThrow()
            .getCharContent(false)
            .toString();
    assertThat(generated).contains(codec + ".of(Receipt.class)");
    assertThat(generated).contains(codec + ".of(new JsonResultType<List<Receipt>>() {})");
    return (ReceiptApi)
        new CompiledClasses(compilation)
            .loadClass("io.idempo.processor.e2e.IdempotentReceiptHandler")
            .getConstructor(IdempotencyStore.class)
            .newInstance(store(store));
  }

  private static IdempotencyStore store(String name) {
    if (name.equals("in-memory")) {
      return new InMemoryIdempotencyStore();
    }
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:json-e2e-" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
    JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(dataSource).build();
    store.createTableIfMissing();
    return store;
  }

  private static Payment payment(String id) {
    return new Payment(id, new Payment.Customer(UUID.randomUUID()), 12);
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("cases")
  void duplicateReplaysAnEqualRecord(String codec, String store) throws Exception {
    ReceiptApi handler = wrapper(codec, store);

    Receipt first = handler.issue(payment("p-1"));
    Receipt replayed = handler.issue(payment("p-1"));

    assertThat(replayed).isEqualTo(first);
    assertThat(replayed).isNotSameInstanceAs(first);
    assertThat(first.issuedAt()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 1));
    assertThat(handler.runs()).isEqualTo(1);
  }

  @Test
  void resultTypeWithClassNameTypeIdsStopsTheWrapperBeforeAnythingIsStored() throws Exception {
    JavaFileObject handler =
        JavaFileObjects.forSourceString(
            "e2e.ShapeHandler",
            """
            package e2e;
            import com.fasterxml.jackson.annotation.JsonTypeInfo;
            import io.idempo.IdempotentHandler;
            public class ShapeHandler {
              @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
              public interface Shape {}
              public record Circle(double radius) implements Shape {}
              @IdempotentHandler(key = "id")
              public Shape draw(String id) {
                return new Circle(1);
              }
            }
            """);
    Compilation compilation =
        Compiler.javac().withProcessors(new IdempotentHandlerProcessor()).compile(handler);
    assertThat(compilation).succeededWithoutWarnings();
    Constructor<?> wrapper =
        new CompiledClasses(compilation)
            .loadClass("e2e.IdempotentShapeHandler")
            .getConstructor(IdempotencyStore.class);

    ExceptionInInitializerError e =
        assertThrows(
            ExceptionInInitializerError.class,
            () -> wrapper.newInstance(new InMemoryIdempotencyStore()));

    assertThat(e).hasCauseThat().isInstanceOf(IllegalArgumentException.class);
    assertThat(e)
        .hasCauseThat()
        .hasMessageThat()
        .startsWith(
            "result type e2e.ShapeHandler$Shape asks Jackson for polymorphic typing by class name");
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("cases")
  void duplicateReplaysAGenericResultWithItsElementType(String codec, String store)
      throws Exception {
    ReceiptApi handler = wrapper(codec, store);

    List<Receipt> first = handler.history(payment("p-1"));
    List<Receipt> replayed = handler.history(payment("p-1"));

    assertThat(replayed).containsExactlyElementsIn(first).inOrder();
    assertThat(replayed.get(0)).isInstanceOf(Receipt.class);
    assertThat(handler.runs()).isEqualTo(2);
  }
}
