package io.idempo.spring.beans;

import io.idempo.IdempotentHandler;
import io.idempo.spring.UseIdempotencyStore;
import java.util.concurrent.atomic.AtomicInteger;

/** A handler that names the store it claims in. */
@UseIdempotencyStore("auditStore")
public class AuditHandler {
  private final AtomicInteger runs = new AtomicInteger();

  @IdempotentHandler(key = "greeting.id")
  public void audit(Greeting greeting) {
    runs.incrementAndGet();
  }

  public int runs() {
    return runs.get();
  }
}
