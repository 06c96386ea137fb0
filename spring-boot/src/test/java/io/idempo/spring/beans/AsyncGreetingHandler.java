package io.idempo.spring.beans;

import io.idempo.IdempotentHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.scheduling.annotation.Async;

/** Handles greetings on Spring's task executor, once per id. */
public class AsyncGreetingHandler {
  private final List<String> threads = new CopyOnWriteArrayList<>();

  @Async
  @IdempotentHandler(key = "greeting.id")
  public void on(Greeting greeting) {
    threads.add(Thread.currentThread().getName());
  }

  /** The thread of each run. */
  public List<String> threads() {
    return threads;
  }
}
