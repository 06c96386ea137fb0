package io.idempo.processor.e2e;

import io.idempo.IdempotentHandler;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

public class ReceiptHandler implements ReceiptApi {
  private final AtomicInteger runs = new AtomicInteger();

  @IdempotentHandler(key = "payment.id")
  @Override
  public Receipt issue(Payment payment) {
    int run = runs.incrementAndGet();
    return new Receipt(
        payment.id(),
        payment.cents(),
        Instant.ofEpochSecond(1_700_000_000L, run),
        List.of("run " + run));
  }

  @IdempotentHandler(key = "payment.id", name = "e2e-history")
  @Override
  public List<Receipt> history(Payment payment) {
    // Calls through the wrapper too, each with a key of its own.
    return List.of(
        issue(new Payment(payment.id() + "-a", payment.customer(), 1)),
        issue(new Payment(payment.id() + "-b", payment.customer(), 2)));
  }

  @Override
  public int runs() {
    return runs.get();
  }
}
