package io.idempo.examples.http;

/**
 * A payment as the API returns it.
 *
 * @param id the payment's id, new for each payment created
 * @param customer who pays
 * @param amountCents how much, in cents
 * @param currency ISO 4217 code
 */
public record Payment(String id, String customer, long amountCents, String currency) {}
