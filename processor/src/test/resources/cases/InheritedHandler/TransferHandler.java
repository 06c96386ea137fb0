package com.acme.inherit;

import io.idempo.IdempotentHandler;

public class TransferHandler extends BaseHandler<TransferHandler.Transfer> {
  public record Transfer(String id, String account) implements BaseHandler.Event {}

  @IdempotentHandler(key = "transfer.account", name = "transfer-audit")
  public void audit(Transfer transfer) {
    seen.add("audit " + transfer.account());
  }
}
