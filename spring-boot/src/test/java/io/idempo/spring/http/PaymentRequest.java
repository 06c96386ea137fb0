package io.idempo.spring.http;

/**
 * The body of {@code POST /payments}.
 *
 * @param customer who pays
 * @param amount in cents
 */
public record PaymentRequest(String customer, long amount) {}
