package com.acme.payments;

import io.idempo.IdempotentHandler;

public class LedgerHandler {
  long balance;

  @IdempotentHandler(key = "event.paymentNumber")
  protected void capture(PaymentCaptured event) {
    balance++;
  }

  @IdempotentHandler(key = "event.tenant", name = "tenant-audit")
  void audit(PaymentCaptured event) {
    balance--;
  }
}
