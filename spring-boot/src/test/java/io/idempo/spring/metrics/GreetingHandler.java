package io.idempo.spring.metrics;

import io.idempo.IdempotentHandler;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Service;

/** A handler bean as an application writes it; the processor generates its wrapper. */
@Service
public class GreetingHandler {

  /** The message: its id is the key; {@code fail} makes the handler throw. */
  public record Greeting(String id, boolean fail) {}

  /** The handler's stable name, the {@code handler} tag of its meters. */
  static final String NAME = GreetingHandler.class.getName() + "#greet";

  final AtomicInteger runs = new AtomicInteger();

  /** Greets once per id. */
  @IdempotentHandler(key = "event.id")
  public String greet(Greeting event) {
    runs.incrementAndGet();
    if (event.fail()) {
      throw new IllegalStateException("greeting " + event.id() + " failed");
    }
    return "hello " + event.id();
  }
}
