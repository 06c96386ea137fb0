package io.idempo.reliability.ledger;

/** One message of the reliability stream: add {@code amount} to {@code account}'s balance. */
public record LedgerEvent(String eventId, int account, long amount) {}
