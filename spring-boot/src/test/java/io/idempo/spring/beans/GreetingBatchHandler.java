package io.idempo.spring.beans;

import io.idempo.IdempotentHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Handles greetings a batch at a time, once per id; registered by class in the tests. */
public class GreetingBatchHandler {
  private final List<List<String>> batches = new CopyOnWriteArrayList<>();

  @IdempotentHandler(key = "greetings[*].id")
  public void greet(List<Greeting> greetings) {
    batches.add(greetings.stream().map(Greeting::text).toList());
  }

  /** The texts of each batch {@link #greet} received, in call order. */
  public List<List<String>> batches() {
    return batches;
  }
}
