package com.acme.inbox;

import io.idempo.IdempotentHandler;
import java.io.IOException;
import java.util.List;

public class InboxHandler<M extends InboxHandler.Message> {
  public interface Message {
    String messageId();
  }

  private final List<? super M> sink;

  public <S extends CharSequence> InboxHandler(S owner, List<? super M> sink, String... tags)
      throws IOException {
    if (owner.length() == 0 || tags.length > 10) {
      throw new IOException("bad inbox");
    }
    this.sink = sink;
  }

  protected InboxHandler(List<? super M> sink) {
    this.sink = sink;
  }

  @IdempotentHandler(key = "message.messageId")
  public void receive(M message) {
    sink.add(message);
  }
}
