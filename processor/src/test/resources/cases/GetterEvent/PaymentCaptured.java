package com.acme.payments;

public class PaymentCaptured {
  public final String tenant;
  private final long paymentNumber;
  private final boolean refund;

  public PaymentCaptured(String tenant, long paymentNumber, boolean refund) {
    this.tenant = tenant;
    this.paymentNumber = paymentNumber;
    this.refund = refund;
  }

  public long getPaymentNumber() {
    return paymentNumber;
  }

  public boolean isRefund() {
    return refund;
  }
}
