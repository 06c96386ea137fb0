package io.idempo.examples.http;

import io.idempo.IdempotentHandler;
import java.net.URI;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /payments} creates a payment once per {@code Idempotency-Key}: the starter makes this
 * bean its generated wrapper {@code IdempotentPaymentsController}, which claims the key, runs
 * {@link #create} and records its response in the same transaction as the payment row. A retry with
 * the key gets the recorded {@code 201}, body and {@code Location}, marked {@code
 * Idempotent-Replayed: true}; the key with another body is a {@code 422} problem detail. See {@code
 * docs/http.md}.
 */
@RestController
@RequestMapping("/payments")
public class PaymentsController {

  private final Payments payments;

  public PaymentsController(Payments payments) {
    this.payments = payments;
  }

  /** Creates a payment; idempotent per key, for 24 hours, as Stripe keeps keys. */
  @PostMapping
  @IdempotentHandler(key = "idempotencyKey", fingerprint = "request", ttl = "PT24H")
  public ResponseEntity<Payment> create(
      @RequestHeader("Idempotency-Key") String idempotencyKey,
      @RequestBody PaymentRequest request) {
    Payment payment =
        new Payment(
            UUID.randomUUID().toString(),
            request.customer(),
            request.amountCents(),
            request.currency());
    payments.insert(payment);
    return ResponseEntity.created(URI.create("/payments/" + payment.id())).body(payment);
  }

  /** Reads a payment: safe to repeat, so it needs no key. */
  @GetMapping("/{id}")
  public ResponseEntity<Payment> get(@PathVariable("id") String id) {
    return ResponseEntity.of(payments.find(id));
  }
}
