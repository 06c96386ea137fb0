package io.idempo.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import io.idempo.processor.e2e.Payment;
import io.idempo.processor.e2e.PaymentApi;
import io.idempo.runtime.DuplicateInProgressException;
import io.idempo.runtime.IdempotencyKeyException;
import io.idempo.runtime.IdempotencyStore;
import io.idempo.runtime.InMemoryIdempotencyStore;
import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compiles a handler with the processor at test time, loads the generated wrapper, and runs it
 * against real stores, in memory and on H2 (transactional and lease mode): the behaviour the
 * generated code promises, not its text.
 */
class EndToEndTest {

  private static Constructor<?> wrapper;
  private static Constructor<?> plain;

  private final Deque<Exception> failures = new ArrayDeque<>();

  @BeforeAll
  static void compileHandler() throws ReflectiveOperationException {
    Compilation compilation =
        Compiler.javac()
            .withProcessors(new IdempotentHandlerProcessor())
            .compile(TestSources.sources("e2e", "Payments"));
    assertThat(compilation).succeeded();
    ClassLoader loader = new CompiledClasses(compilation);
    wrapper =
        loader
            .loadClass("io.idempo.processor.e2e.IdempotentPaymentHandler")
            .getConstructor(IdempotencyStore.class, Deque.class);
    plain = loader.loadClass("io.idempo.processor.e2e.PaymentHandler").getConstructor(Deque.class);
  }

  private PaymentApi handler(IdempotencyStore store) throws ReflectiveOperationException {
    return (PaymentApi) wrapper.newInstance(store, failures);
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
                  "jdbc:h2:mem:e2e-" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
              JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(dataSource).build();
              store.createTableIfMissing();
              return store;
            }));
  }

  private static Payment payment(String id) {
    return new Payment(id, new Payment.Customer(UUID.randomUUID()), 12);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void wrapperIsAHandler(Store store) throws ReflectiveOperationException {
    PaymentApi handler = handler(store.create().get());
    assertThat(plain.getDeclaringClass().isInstance(handler)).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void duplicateDeliveryRunsTheBodyOnceAndReplaysTheResult(Store store) throws Exception {
    PaymentApi handler = handler(store.create().get());
    Payment payment = payment("p-1");

    String first = handler.capture(payment);
    String second = handler.capture(payment);

    assertThat(first).isEqualTo("receipt p-1 from run 1");
    assertThat(second).isEqualTo(first);
    assertThat(handler.runs()).isEqualTo(1);
    assertThat(handler.capture(payment("p-2"))).isEqualTo("receipt p-2 from run 2");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void voidPrimitiveAndEnumResults(Store store) throws Exception {
    PaymentApi handler = handler(store.create().get());
    Payment payment = payment("p-1");
    UUID id = UUID.randomUUID();

    handler.welcome(payment);
    handler.welcome(payment);
    long total = handler.total(payment);
    Thread.State status = handler.status(id);

    assertThat(handler.runs()).isEqualTo(3);
    assertThat(total).isEqualTo(1202);
    assertThat(handler.total(payment)).isEqualTo(total);
    assertThat(status).isEqualTo(Thread.State.WAITING); // the fourth constant, for run 3
    assertThat(handler.status(id)).isEqualTo(status);
    assertThat(handler.runs()).isEqualTo(3);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void failureReleasesTheClaimSoTheNextDeliveryRuns(Store store) throws Exception {
    PaymentApi handler = handler(store.create().get());
    Payment payment = payment("p-1");
    IOException broken = new IOException("gateway down");
    IllegalStateException bug = new IllegalStateException("bug");
    failures.add(broken);
    failures.add(bug);

    IOException thrown = assertThrows(IOException.class, () -> handler.capture(payment));
    IllegalStateException thrownAgain =
        assertThrows(IllegalStateException.class, () -> handler.capture(payment));
    String result = handler.capture(payment);

    assertThat(thrown).isSameInstanceAs(broken);
    assertThat(thrownAgain).isSameInstanceAs(bug);
    assertThat(result).isEqualTo("receipt p-1 from run 3");
    assertThat(handler.capture(payment)).isEqualTo(result);
    assertThat(handler.runs()).isEqualTo(3);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void nullOnTheKeyPathIsRejectedBeforeTheBodyRuns(Store store) throws Exception {
    PaymentApi handler = handler(store.create().get());

    IdempotencyKeyException noCustomerId =
        assertThrows(
            IdempotencyKeyException.class,
            () -> handler.welcome(new Payment("p-1", new Payment.Customer(null), 1)));
    IdempotencyKeyException noCustomer =
        assertThrows(
            IdempotencyKeyException.class, () -> handler.welcome(new Payment("p-1", null, 1)));
    IdempotencyKeyException noPayment =
        assertThrows(IdempotencyKeyException.class, () -> handler.capture(null));
    IdempotencyKeyException blank =
        assertThrows(IdempotencyKeyException.class, () -> handler.capture(payment(" ")));

    assertThat(noCustomerId).hasMessageThat().contains("e2e-welcome");
    assertThat(noCustomerId).hasMessageThat().contains("payment.customer.id is null");
    assertThat(noCustomer).hasMessageThat().contains("payment.customer is null");
    assertThat(noPayment)
        .hasMessageThat()
        .contains("io.idempo.processor.e2e.PaymentHandler#capture");
    assertThat(noPayment).hasMessageThat().contains("payment is null (key path payment.id)");
    assertThat(blank).hasMessageThat().contains("is blank");
    assertThat(handler.runs()).isEqualTo(0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void concurrentRedeliveryRunsTheBodyOnce(Store store) throws Exception {
    int threads = 8;
    PaymentApi handler = handler(store.create().get());
    Payment payment = payment("p-concurrent");
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<String>> outcomes = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Callable<String> delivery =
            () -> {
              start.await();
              return handler.capture(payment);
            };
        outcomes.add(pool.submit(delivery));
      }
      int returned = 0;
      for (Future<String> outcome : outcomes) {
        try {
          assertThat(outcome.get()).isEqualTo("receipt p-concurrent from run 1");
          returned++;
        } catch (ExecutionException e) {
          assertThat(e).hasCauseThat().isInstanceOf(DuplicateInProgressException.class);
        }
      }
      assertThat(returned).isAtLeast(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(handler.runs()).isEqualTo(1);
    assertThat(handler.capture(payment)).isEqualTo("receipt p-concurrent from run 1");
    assertThat(handler.runs()).isEqualTo(1);
  }
}
