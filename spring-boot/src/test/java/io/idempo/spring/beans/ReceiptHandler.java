package io.idempo.spring.beans;

import io.idempo.IdempotentHandler;
import java.util.concurrent.atomic.AtomicInteger;

/** Returns a record, which the starter's Jackson stores as JSON with no codec to write. */
public class ReceiptHandler {
  private final AtomicInteger runs = new AtomicInteger();

  /** The result a greeting gets, and a duplicate gets again. */
  public record Receipt(String id, int run) {}

  @IdempotentHandler(key = "greeting.id")
  public Receipt receipt(Greeting greeting) {
    return new Receipt(greeting.id(), runs.incrementAndGet());
  }
}
