package com.acme.mail;

import io.idempo.IdempotencyKey;
import io.idempo.IdempotentHandler;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

public class Mailer {
  @IdempotentHandler(mode = IdempotentHandler.Mode.LEASE)
  public String send(@IdempotencyKey String messageId, String body)
      throws IOException, TimeoutException {
    if (body.isEmpty()) {
      throw new IOException("empty body");
    }
    return "sent " + messageId;
  }
}
