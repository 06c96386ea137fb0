package io.idempo.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import io.idempo.processor.e2e.ChargeApi;
import io.idempo.processor.e2e.ChargeRequest;
import io.idempo.processor.e2e.ChargeRequest.Customer;
import io.idempo.processor.e2e.ChargeRequest.Line;
import io.idempo.runtime.IdempotencyKeyReuseException;
import io.idempo.runtime.IdempotencyStore;
import io.idempo.runtime.InMemoryIdempotencyStore;
import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import java.lang.reflect.Constructor;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compiles a handler with a payload fingerprint at test time and runs its wrapper against real
 * stores, in memory and on H2: the same key with the same content replays, the same key with other
 * content is refused before the body runs, and nulls anywhere in the content are left out, not
 * thrown.
 */
class FingerprintEndToEndTest {

  private static Constructor<?> wrapper;

  @BeforeAll
  static void compileHandler() throws ReflectiveOperationException {
    Compilation compilation =
        Compiler.javac()
            .withProcessors(new IdempotentHandlerProcessor())
            .compile(TestSources.sources("e2e", "Charges"));
    assertThat(compilation).succeededWithoutWarnings();
    wrapper =
        new CompiledClasses(compilation)
            .loadClass("io.idempo.processor.e2e.IdempotentChargeHandler")
            .getConstructor(IdempotencyStore.class);
  }

  /** A store to run the wrapper against. */
  record Store(String name, Supplier<IdempotencyStore> create) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final AtomicInteger DATABASES = new AtomicInteger();

  static List<Store> stores() {
    return List.of(
        new Store("in-memory", InMemoryIdempotencyStore::new),
        new Store(
            "H2",
            () -> {
              JdbcDataSource dataSource = new JdbcDataSource();
              dataSource.setURL(
                  "jdbc:h2:mem:fingerprint-" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
              JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(dataSource).build();
              store.createTableIfMissing();
              return store;
            }));
  }

  private static ChargeApi handler(Store store) throws ReflectiveOperationException {
    return (ChargeApi) wrapper.newInstance(store.create().get());
  }

  private static ChargeRequest request(String amount, String email, Line... lines) {
    return new ChargeRequest(
        new BigDecimal(amount), new Customer(email, "Ada"), Arrays.asList(lines));
  }

  private static ChargeRequest request() {
    return request("10.00", "ada@example.com", new Line("A-1", 1), new Line("B-2", 2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void sameKeyWithTheSameContentReplays(Store store) throws Exception {
    ChargeApi handler = handler(store);

    String first = handler.charge("k-1", request());
    // Another object with the same content.
    String second = handler.charge("k-1", request());

    assertThat(first).isEqualTo("charge k-1 from run 1");
    assertThat(second).isEqualTo(first);
    assertThat(handler.runs()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void aChangedNestedFieldIsRefusedBeforeTheBodyRuns(Store store) throws Exception {
    ChargeApi handler = handler(store);
    handler.charge("k-1", request());

    IdempotencyKeyReuseException reused =
        assertThrows(
            IdempotencyKeyReuseException.class,
            () ->
                handler.charge(
                    "k-1",
                    request("10.00", "eve@example.com", new Line("A-1", 1), new Line("B-2", 2))));

    assertThat(reused.key()).isEqualTo("k-1");
    assertThat(reused.handlerName()).isEqualTo("io.idempo.processor.e2e.ChargeHandler#charge");
    assertThat(reused).hasMessageThat().contains("fingerprint of request:");
    assertThat(handler.runs()).isEqualTo(1);
    // The record stays: the original content still replays.
    assertThat(handler.charge("k-1", request())).isEqualTo("charge k-1 from run 1");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void aChangedListElementOrAnExtraElementIsRefused(Store store) throws Exception {
    ChargeApi handler = handler(store);
    handler.charge("k-1", request());

    assertThrows(
        IdempotencyKeyReuseException.class,
        () ->
            handler.charge(
                "k-1",
                request("10.00", "ada@example.com", new Line("A-1", 1), new Line("B-2", 3))));
    assertThrows(
        IdempotencyKeyReuseException.class,
        () ->
            handler.charge(
                "k-1",
                request(
                    "10.00",
                    "ada@example.com",
                    new Line("A-1", 1),
                    new Line("B-2", 2),
                    new Line("C-3", 1))));
    // Same elements, other order.
    assertThrows(
        IdempotencyKeyReuseException.class,
        () ->
            handler.charge(
                "k-1",
                request("10.00", "ada@example.com", new Line("B-2", 2), new Line("A-1", 1))));
    assertThat(handler.runs()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void aBigDecimalIsTheSameAmountAtAnyScale(Store store) throws Exception {
    ChargeApi handler = handler(store);

    String first = handler.charge("k-1", request("10.0", "ada@example.com", new Line("A-1", 1)));
    String second = handler.charge("k-1", request("10.00", "ada@example.com", new Line("A-1", 1)));

    assertThat(second).isEqualTo(first);
    assertThat(handler.runs()).isEqualTo(1);
    assertThrows(
        IdempotencyKeyReuseException.class,
        () -> handler.charge("k-1", request("10.01", "ada@example.com", new Line("A-1", 1))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void nullsAnywhereInTheContentAreLeftOutNotThrown(Store store) throws Exception {
    ChargeApi handler = handler(store);
    ChargeRequest nullParts = new ChargeRequest(null, null, null);
    ChargeRequest nullElement =
        new ChargeRequest(BigDecimal.ONE, new Customer(null, null), Arrays.asList(null, null));

    handler.charge("k-null", null);
    handler.charge("k-null", null);
    handler.charge("k-parts", nullParts);
    handler.charge("k-parts", new ChargeRequest(null, null, null));
    handler.charge("k-element", nullElement);
    handler.quote("q-null", null);
    handler.quote("q-customer", nullParts);
    handler.quote("q-customer", nullParts);

    assertThat(handler.runs()).isEqualTo(5);
    // A value where there was null is another payload.
    assertThrows(IdempotencyKeyReuseException.class, () -> handler.charge("k-null", request()));
    assertThrows(
        IdempotencyKeyReuseException.class,
        () ->
            handler.charge(
                "k-element",
                new ChargeRequest(
                    BigDecimal.ONE, new Customer(null, null), Arrays.asList(null, null, null))));
    // A null adds nothing: a null request and one whose properties are all null carry the same
    // content (none), so this is a duplicate, not a reused key.
    handler.quote("q-null", nullParts);
    assertThat(handler.runs()).isEqualTo(5);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void onlyTheNamedPathsCount(Store store) throws Exception {
    ChargeApi handler = handler(store);

    handler.quote("q-1", request("5", "ada@example.com", new Line("A-1", 1)));
    // Lines and the customer's name are not in the quote's fingerprint.
    handler.quote(
        "q-1",
        new ChargeRequest(
            new BigDecimal("5.000"), new Customer("ada@example.com", "Bob"), List.of()));

    assertThat(handler.runs()).isEqualTo(1);
    assertThrows(
        IdempotencyKeyReuseException.class,
        () -> handler.quote("q-1", request("5", "eve@example.com", new Line("A-1", 1))));
  }
}
