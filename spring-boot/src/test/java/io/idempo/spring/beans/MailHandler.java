package io.idempo.spring.beans;

import io.idempo.IdempotentHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A lease-mode handler, for effects outside the database. */
public class MailHandler {
  private final List<String> sent = new CopyOnWriteArrayList<>();
  private volatile boolean failNext;

  @IdempotentHandler(key = "greeting.id", mode = IdempotentHandler.Mode.LEASE, lease = "PT1M")
  public void send(Greeting greeting) {
    if (failNext) {
      failNext = false;
      throw new IllegalStateException("mail server down");
    }
    sent.add(greeting.text());
  }

  public void failNext() {
    failNext = true;
  }

  public List<String> sent() {
    return sent;
  }
}
