package io.idempo.examples.http;

/**
 * The body of {@code POST /payments}; all of it is the request's fingerprint, so a retry must send
 * the same values.
 *
 * @param customer who pays
 * @param amountCents how much, in cents
 * @param currency ISO 4217 code, such as {@code EUR}
 */
public record PaymentRequest(String customer, long amountCents, String currency) {}
