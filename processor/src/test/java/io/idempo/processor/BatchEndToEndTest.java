package io.idempo.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import io.idempo.processor.e2e.BatchApi;
import io.idempo.processor.e2e.Payment;
import io.idempo.runtime.DuplicateInProgressException;
import io.idempo.runtime.IdempotencyKeyException;
import io.idempo.runtime.IdempotencyStore;
import io.idempo.runtime.InMemoryIdempotencyStore;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Compiles a batch handler with the processor at test time and runs its generated wrapper on the
 * in-memory store: each message is processed once, whatever batches it arrives in, and the handler
 * sees only the new messages, in their order.
 */
class BatchEndToEndTest {

  private static Constructor<?> wrapper;

  private final Deque<Exception> failures = new ArrayDeque<>();
  private BatchApi handler;

  @BeforeAll
  static void compileHandler() throws ReflectiveOperationException {
    List<javax.tools.JavaFileObject> sources = TestSources.sources("e2e", "Batches");
    Compilation compilation =
        Compiler.javac().withProcessors(new IdempotentHandlerProcessor()).compile(sources);
    assertThat(compilation).succeededWithoutWarnings();
    wrapper =
        new CompiledClasses(compilation)
            .loadClass("io.idempo.processor.e2e.IdempotentBatchHandler")
            .getConstructor(IdempotencyStore.class, Deque.class);
  }

  @BeforeEach
  void createWrapper() throws ReflectiveOperationException {
    handler = (BatchApi) wrapper.newInstance(new InMemoryIdempotencyStore(), failures);
  }

  private static Payment payment(String id) {
    return new Payment(id, new Payment.Customer(UUID.randomUUID()), 12);
  }

  @Test
  void aKeyRepeatedInsideABatchIsProcessedOnceAtItsFirstPlace() throws Exception {
    Payment p1 = payment("p1");

    handler.settle(List.of(p1, payment("p2"), p1, payment("p3"), payment("p2")));

    assertThat(handler.received()).containsExactly("settle: p1, p2, p3");
  }

  @Test
  void aBatchAfterAnotherGetsOnlyTheMessagesNotSeenBefore() throws Exception {
    handler.settle(List.of(payment("p1"), payment("p2")));
    handler.settle(List.of(payment("p3"), payment("p2"), payment("p4"), payment("p1")));

    assertThat(handler.received()).containsExactly("settle: p1, p2", "settle: p3, p4").inOrder();
  }

  @Test
  void aBatchWithNothingNewDoesNotCallTheHandler() throws Exception {
    handler.settle(List.of(payment("p1"), payment("p2")));
    handler.settle(List.of(payment("p2"), payment("p1"), payment("p2")));
    handler.settle(List.of());

    assertThat(handler.received()).containsExactly("settle: p1, p2");
  }

  @Test
  void aFailedBatchIsProcessedAgainWhenRedeliveredThenOnlyOnce() throws Exception {
    IOException broken = new IOException("ledger down");
    failures.add(broken);
    List<Payment> batch = List.of(payment("p1"), payment("p2"));

    IOException thrown = assertThrows(IOException.class, () -> handler.settle(batch));
    handler.settle(batch);
    handler.settle(batch);

    assertThat(thrown).isSameInstanceAs(broken);
    assertThat(handler.received()).containsExactly("settle: p1, p2", "settle: p1, p2").inOrder();
  }

  @Test
  void aFailedBatchReleasesOnlyItsOwnMessages() throws Exception {
    handler.settle(List.of(payment("p1")));
    failures.add(new IllegalStateException("bug"));

    assertThrows(
        IllegalStateException.class, () -> handler.settle(List.of(payment("p1"), payment("p2"))));
    handler.settle(List.of(payment("p2"), payment("p1")));

    assertThat(handler.received()).containsExactly("settle: p1", "settle: p2", "settle: p2");
  }

  @Test
  void leaseModeBatchesClaimTheSameWay() {
    Payment.Customer alice = new Payment.Customer(UUID.randomUUID());
    Payment first = new Payment("p1", alice, 1);
    Payment again = new Payment("p2", alice, 2);

    handler.welcome(List.of(first, again, payment("p3")));
    handler.welcome(List.of(again));

    assertThat(handler.received()).containsExactly("welcome: p1, p3");
  }

  @Test
  void anArrayBatchIsPassedOnAsAnArrayWithTheOtherParametersUnchanged() {
    Payment p1 = payment("p1");

    handler.refund("chargeback", p1, payment("p2"), p1);
    handler.refund("chargeback", payment("p2"), payment("p3"));
    handler.refund("chargeback", p1);

    assertThat(handler.received())
        .containsExactly("refund chargeback Payment[]: p1, p2", "refund chargeback Payment[]: p3")
        .inOrder();
  }

  @Test
  void aMessageWithoutAKeyIsNamedByItsIndexAndNothingIsClaimed() throws Exception {
    Payment noCustomer = new Payment("p2", null, 1);

    IdempotencyKeyException nullKey =
        assertThrows(
            IdempotencyKeyException.class,
            () -> handler.settle(List.of(payment("p1"), payment("p2"), payment(null))));
    IdempotencyKeyException blankKey =
        assertThrows(IdempotencyKeyException.class, () -> handler.settle(List.of(payment(" "))));
    IdempotencyKeyException nullMessage =
        assertThrows(
            IdempotencyKeyException.class,
            () -> handler.settle(java.util.Arrays.asList(payment("p1"), null)));
    IdempotencyKeyException nested =
        assertThrows(IdempotencyKeyException.class, () -> handler.welcome(List.of(noCustomer)));
    IdempotencyKeyException noBatch =
        assertThrows(IdempotencyKeyException.class, () -> handler.settle(null));

    assertThat(nullKey)
        .hasMessageThat()
        .isEqualTo(
            "idempotency key of message 2 in a batch for handler"
                + " io.idempo.processor.e2e.BatchHandler#settle is missing: payments[2].id is null"
                + " (key path payments[*].id)");
    assertThat(blankKey).hasMessageThat().contains("message 0 in a batch");
    assertThat(blankKey).hasMessageThat().contains("is blank (key path payments[*].id)");
    assertThat(nullMessage).hasMessageThat().contains("payments[1] is null");
    assertThat(nested).hasMessageThat().contains("e2e-batch-welcome");
    assertThat(nested).hasMessageThat().contains("payments[0].customer is null");
    assertThat(noBatch).hasMessageThat().contains("payments is null (key path payments[*].id)");
    // The index a broker integration dead-letters: the malformed message's position in the list.
    assertThat(nullKey.batchIndex()).isEqualTo(OptionalInt.of(2));
    assertThat(blankKey.batchIndex()).isEqualTo(OptionalInt.of(0));
    assertThat(nullMessage.batchIndex()).isEqualTo(OptionalInt.of(1));
    assertThat(nested.batchIndex()).isEqualTo(OptionalInt.of(0));
    assertThat(noBatch.batchIndex()).isEqualTo(OptionalInt.empty());
    assertThat(handler.received()).isEmpty();

    // The valid messages of the rejected batches were not claimed.
    handler.settle(List.of(payment("p1"), payment("p2")));
    assertThat(handler.received()).containsExactly("settle: p1, p2");
  }

  @Test
  void concurrentOverlappingBatchesProcessEachMessageOnce() throws Exception {
    int threads = 4;
    int messages = 40;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Void>> deliveries = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t * 5;
        Callable<Void> delivery =
            () -> {
              start.await();
              // Batches of 10 that overlap the other threads' batches by half.
              for (int from = 0; from < messages; from += 10) {
                List<Payment> batch = new ArrayList<>();
                for (int i = from; i < from + 10; i++) {
                  batch.add(payment("p" + ((i + offset) % messages)));
                }
                deliverUntilDone(batch);
              }
              return null;
            };
        deliveries.add(pool.submit(delivery));
      }
      for (Future<Void> delivery : deliveries) {
        delivery.get();
      }
    } finally {
      pool.shutdownNow();
    }

    List<String> processed = new ArrayList<>();
    for (String batch : handler.received()) {
      processed.addAll(List.of(batch.substring("settle: ".length()).split(", ")));
    }
    assertThat(processed).hasSize(messages);
    assertThat(processed).containsNoDuplicates();
  }

  /** Redelivers {@code batch} while another delivery holds one of its keys, as a broker would. */
  private void deliverUntilDone(List<Payment> batch) throws IOException {
    while (true) {
      try {
        handler.settle(batch);
        return;
      } catch (DuplicateInProgressException inFlight) {
        Thread.onSpinWait();
      }
    }
  }
}
