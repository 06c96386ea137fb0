package io.idempo.processor.e2e;

import java.time.Instant;
import java.util.List;

/** A result without a built-in codec, which the wrapper stores as JSON. */
public record Receipt(String paymentId, long cents, Instant issuedAt, List<String> lines) {}
