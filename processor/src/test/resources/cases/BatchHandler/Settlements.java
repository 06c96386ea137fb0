package com.acme.payments;

import io.idempo.IdempotentHandler;
import java.util.Collection;
import java.util.List;

public class Settlements {
  private final List<String> ledger;

  public Settlements(List<String> ledger) {
    this.ledger = ledger;
  }

  @IdempotentHandler(key = "events[*].paymentId")
  public void settle(List<PaymentSettled> events) {
    for (PaymentSettled event : events) {
      ledger.add("settled " + event.paymentId());
    }
  }

  @IdempotentHandler(key = "refunds[*].customer.id", mode = IdempotentHandler.Mode.LEASE)
  public void refund(String batchId, PaymentSettled[] refunds) {
    for (PaymentSettled refund : refunds) {
      ledger.add(batchId + " refunded " + refund.customer().email());
    }
  }

  @IdempotentHandler(key = "references[*]")
  public void reconcile(Collection<? extends CharSequence> references) {
    for (CharSequence reference : references) {
      ledger.add("reconciled " + reference);
    }
  }
}
