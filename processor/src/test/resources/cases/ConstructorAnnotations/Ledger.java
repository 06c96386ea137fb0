package com.acme.payments;

public interface Ledger {
  void book(String paymentId, long amountCents);
}
