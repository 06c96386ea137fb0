package com.acme.clash;

import io.idempo.IdempotencyKey;
import io.idempo.IdempotentHandler;
import java.util.UUID;

/** Parameter and field names that clash with the names generated code would like to use. */
public class Clashes {
  protected String store = "field";
  protected int ON_EVENT_HANDLER;

  public Clashes(String store, int delegate) {
    this.store = store + delegate;
  }

  public record Event(Event.Inner key) {
    public record Inner(String claim) {}
  }

  @IdempotentHandler
  public int onPayment(
      @IdempotencyKey UUID key, String store, String claim, String result, String failure) {
    return (key + store + claim + result + failure).length();
  }

  @IdempotentHandler(key = "$.key.claim", name = "clash-event")
  public String onEvent(Event $, int _x, Object Objects, Object String) {
    return $.key().claim() + _x + Objects + String;
  }
}
