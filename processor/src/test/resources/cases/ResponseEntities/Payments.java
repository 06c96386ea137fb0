package com.acme.payments;

import io.idempo.IdempotentHandler;
import java.util.List;
import org.springframework.http.ResponseEntity;

/**
 * An HTTP endpoint's handler methods returning Spring's ResponseEntity: the starter's
 * ResponseEntityCodec stores them, with the body codec the processor would choose for the body.
 */
public class Payments {
  public record PaymentRequest(String customer, long amount) {}

  public record Payment(String id, long amount) {}

  @IdempotentHandler(key = "idempotencyKey")
  public ResponseEntity<Payment> create(String idempotencyKey, PaymentRequest request) {
    return new ResponseEntity<>(new Payment(idempotencyKey, request.amount()));
  }

  @IdempotentHandler(key = "idempotencyKey", name = "payments-refund")
  public ResponseEntity<String> refund(String idempotencyKey) {
    return new ResponseEntity<>("refunded " + idempotencyKey);
  }

  @IdempotentHandler(key = "idempotencyKey", name = "payments-capture")
  public ResponseEntity<Void> capture(String idempotencyKey) {
    return new ResponseEntity<>(null);
  }

  @IdempotentHandler(key = "idempotencyKey", name = "payments-list")
  public ResponseEntity<List<Payment>> list(String idempotencyKey) {
    return new ResponseEntity<>(List.of());
  }
}
