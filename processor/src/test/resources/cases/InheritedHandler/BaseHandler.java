package com.acme.inherit;

import io.idempo.IdempotentHandler;
import java.util.ArrayList;
import java.util.List;

public abstract class BaseHandler<E extends BaseHandler.Event> {
  public interface Event {
    String id();
  }

  protected final List<String> seen = new ArrayList<>();

  @IdempotentHandler(key = "event.id")
  public void onEvent(E event) {
    seen.add(event.id());
  }
}
