package io.idempo.examples.kafka;

/** An incoming payment event, as JSON on the payments topic. The payment id is unique per payment. */
public record PaymentEvent(String paymentId, String accountId, long amountCents) {}
