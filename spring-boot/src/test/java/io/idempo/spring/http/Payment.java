package io.idempo.spring.http;

/**
 * A created payment, as {@code POST /payments} answers it.
 *
 * @param id a new id per execution, so that a replayed body is told apart from a second run
 * @param customer who pays
 * @param amount in cents
 */
public record Payment(String id, String customer, long amount) {}
