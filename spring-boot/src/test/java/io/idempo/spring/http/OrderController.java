package io.idempo.spring.http;

import io.idempo.IdempotencyKey;
import io.idempo.IdempotentHandler;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Idempotent endpoints whose key is not the {@code Idempotency-Key} header: another header, named
 * by the key path or marked {@link IdempotencyKey}, a path variable, or a property of the body.
 * Each answer says how often its endpoint ran.
 */
@RestController
public class OrderController {

  private final AtomicInteger executions = new AtomicInteger();

  /** Keyed by the {@code X-Request-Id} header, through the key path. */
  @PostMapping("/orders")
  @IdempotentHandler(key = "requestId")
  public ResponseEntity<String> order(@RequestHeader("X-Request-Id") String requestId) {
    return ResponseEntity.status(HttpStatus.CREATED)
        .body("order " + requestId + " #" + executions.incrementAndGet());
  }

  /** Keyed by the optional {@code X-Refund-Key} header, marked {@code @IdempotencyKey}. */
  @PostMapping("/refunds")
  @IdempotentHandler
  public ResponseEntity<String> refund(
      @IdempotencyKey @RequestHeader(name = "X-Refund-Key", required = false) String refundKey) {
    return ResponseEntity.status(HttpStatus.CREATED)
        .body("refund " + refundKey + " #" + executions.incrementAndGet());
  }

  /** Keyed by a header named after its parameter, {@code noteKey}. */
  @PostMapping("/notes")
  @IdempotentHandler
  public ResponseEntity<String> note(@IdempotencyKey @RequestHeader String noteKey) {
    return ResponseEntity.status(HttpStatus.CREATED)
        .body("note " + noteKey + " #" + executions.incrementAndGet());
  }

  /** Keyed by a path variable; the {@code X-Trace} header is not its key. */
  @PostMapping("/orders/{orderId}/cancel")
  @IdempotentHandler(key = "orderId")
  public ResponseEntity<String> cancel(
      @PathVariable String orderId, @RequestHeader("X-Trace") String trace) {
    return ResponseEntity.ok("cancel " + orderId + " #" + executions.incrementAndGet());
  }

  /** Keyed by the body's {@code customer}. */
  @PostMapping("/deposits")
  @IdempotentHandler(key = "request.customer")
  public ResponseEntity<String> deposit(@RequestBody PaymentRequest request) {
    return ResponseEntity.ok("deposit " + request.amount() + " #" + executions.incrementAndGet());
  }

  /** How often the endpoints ran. */
  public int executions() {
    return executions.get();
  }
}
