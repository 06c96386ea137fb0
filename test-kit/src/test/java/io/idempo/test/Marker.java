package io.idempo.test;

import io.idempo.IdempotentHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keyed by the delivery, not the payment: a key a broker draws anew for every delivery, so that its
 * generated wrapper, {@code IdempotentMarker}, claims every redelivery again. {@link #mark} is
 * idempotent by itself, {@link #append} is not.
 */
public class Marker {

  /** One delivery of a payment's event, with the id the broker gave this delivery. */
  public record Attempt(String deliveryId, String paymentId) {}

  final Map<String, String> marks = new LinkedHashMap<>();
  final List<String> appended = new ArrayList<>();

  @IdempotentHandler(key = "attempt.deliveryId", name = "mark")
  public void mark(Attempt attempt) {
    marks.put(attempt.paymentId(), "MARKED");
  }

  @IdempotentHandler(key = "attempt.deliveryId", name = "append")
  public void append(Attempt attempt) {
    appended.add(attempt.paymentId());
  }
}
