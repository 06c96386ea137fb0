package io.idempo.spring.beans;

import io.idempo.IdempotentHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.event.EventListener;

/** Handles application events once per id; registered by class in the tests. */
public class GreetingHandler {
  private final List<String> received = new CopyOnWriteArrayList<>();

  @EventListener
  @IdempotentHandler(key = "greeting.id")
  public void on(Greeting greeting) {
    received.add(greeting.text());
  }

  public List<String> received() {
    return received;
  }
}
