package com.acme.records;

import io.idempo.IdempotentHandler;
import java.util.List;

public record TopUpHandler(List<TopUp> applied) implements MessageHandler<TopUp> {
  @IdempotentHandler(key = "message.transferId")
  @Override
  public void handle(TopUp message) {
    applied.add(message);
  }

  @Override
  public String describe() {
    return "top-ups";
  }
}
