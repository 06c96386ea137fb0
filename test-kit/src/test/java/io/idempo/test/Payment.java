package io.idempo.test;

/** The message of the kit's tests: payment {@code id} of {@code amountCents} to {@code account}. */
public record Payment(String id, String account, long amountCents) {}
