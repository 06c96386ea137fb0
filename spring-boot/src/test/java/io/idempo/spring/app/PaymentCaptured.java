package io.idempo.spring.app;

/** A payment event as a broker delivers it, possibly more than once. */
public record PaymentCaptured(String paymentId, long amountCents) {}
