package io.idempo.processor.e2e;

import io.idempo.IdempotentHandler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

public class BatchHandler implements BatchApi {
  private final List<String> received = Collections.synchronizedList(new ArrayList<>());
  private final Deque<Exception> failures;

  /** {@code failures} are thrown, in order, by the next runs of {@link #settle}. */
  public BatchHandler(Deque<Exception> failures) {
    this.failures = failures;
  }

  @IdempotentHandler(key = "payments[*].id")
  @Override
  public void settle(List<Payment> payments) throws IOException {
    record("settle", payments);
    Exception failure = failures.poll();
    if (failure instanceof IOException checked) {
      throw checked;
    }
    if (failure instanceof RuntimeException unchecked) {
      throw unchecked;
    }
  }

  @IdempotentHandler(
      key = "payments[*].customer.id",
      name = "e2e-batch-welcome",
      mode = IdempotentHandler.Mode.LEASE)
  @Override
  public void welcome(List<Payment> payments) {
    record("welcome", payments);
  }

  @IdempotentHandler(key = "payments[*].id", name = "e2e-batch-refund")
  @Override
  public void refund(String reason, Payment... payments) {
    record("refund " + reason + " " + payments.getClass().getSimpleName(), List.of(payments));
  }

  private void record(String method, List<Payment> payments) {
    List<String> ids = new ArrayList<>();
    for (Payment payment : payments) {
      ids.add(payment.id());
    }
    received.add(method + ": " + String.join(", ", ids));
  }

  @Override
  public List<String> received() {
    return received;
  }
}
