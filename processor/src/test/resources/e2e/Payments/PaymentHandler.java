package io.idempo.processor.e2e;

import io.idempo.IdempotencyKey;
import io.idempo.IdempotentHandler;
import java.io.IOException;
import java.util.Deque;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

public class PaymentHandler implements PaymentApi {
  private final AtomicInteger runs = new AtomicInteger();
  private final Deque<Exception> failures;

  /** {@code failures} are thrown, in order, by the next runs of {@link #capture}. */
  public PaymentHandler(Deque<Exception> failures) {
    this.failures = failures;
  }

  @IdempotentHandler(key = "payment.id")
  @Override
  public String capture(Payment payment) throws IOException {
    int run = runs.incrementAndGet();
    Exception failure = failures.poll();
    if (failure instanceof IOException checked) {
      throw checked;
    }
    if (failure instanceof RuntimeException unchecked) {
      throw unchecked;
    }
    return "receipt " + payment.id() + " from run " + run;
  }

  @IdempotentHandler(
      key = "payment.customer.id",
      name = "e2e-welcome",
      mode = IdempotentHandler.Mode.LEASE)
  @Override
  public void welcome(Payment payment) {
    runs.incrementAndGet();
  }

  @IdempotentHandler(key = "payment.cents", name = "e2e-total")
  @Override
  public long total(Payment payment) {
    return payment.cents() * 100 + runs.incrementAndGet();
  }

  @IdempotentHandler(name = "e2e-status")
  @Override
  public Thread.State status(@IdempotencyKey UUID paymentId) {
    Thread.State[] states = Thread.State.values();
    return states[runs.incrementAndGet() % states.length];
  }

  @Override
  public int runs() {
    return runs.get();
  }
}
