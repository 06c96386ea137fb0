package io.idempo.spring.http;

import io.idempo.IdempotentHandler;
import java.net.URI;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /payments}, idempotent per {@code Idempotency-Key}: the bean is the generated
 * wrapper, and Spring MVC finds the mapping and the parameter annotations on the methods it
 * overrides. The payment row and the key's record commit in one transaction.
 */
@RestController
public class PaymentController {

  private final JdbcTemplate jdbc;
  private final AtomicInteger executions = new AtomicInteger();
  private volatile long delayMillis;
  private final AtomicInteger failures = new AtomicInteger();

  public PaymentController(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @PostMapping("/payments")
  @IdempotentHandler(key = "idempotencyKey", fingerprint = "request")
  public ResponseEntity<Payment> create(
      @RequestHeader("Idempotency-Key") String idempotencyKey,
      @RequestBody PaymentRequest request)
      throws InterruptedException {
    executions.incrementAndGet();
    Payment payment = new Payment(UUID.randomUUID().toString(), request.customer(), request.amount());
    jdbc.update(
        "INSERT INTO http_payment (id, customer, amount) VALUES (?, ?, ?)",
        payment.id(),
        payment.customer(),
        payment.amount());
    Thread.sleep(delayMillis);
    if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IllegalStateException("the card network is down");
    }
    return ResponseEntity.created(URI.create("/payments/" + payment.id()))
        .header("X-Request-Cost", "3")
        .body(payment);
  }

  /**
   * {@code POST /transfers}, in lease mode: the claim commits at once, so a retry while it runs
   * finds the lease and is answered 409 without waiting.
   */
  @PostMapping("/transfers")
  @IdempotentHandler(key = "idempotencyKey", mode = IdempotentHandler.Mode.LEASE)
  public ResponseEntity<String> transfer(@RequestHeader("Idempotency-Key") String idempotencyKey)
      throws InterruptedException {
    executions.incrementAndGet();
    Thread.sleep(delayMillis);
    return ResponseEntity.accepted().body("transfer " + idempotencyKey);
  }

  /** How often {@link #create} and {@link #transfer} ran. */
  public int executions() {
    return executions.get();
  }

  /** Makes each execution take {@code millis} longer, after its insert. */
  public void delay(long millis) {
    this.delayMillis = millis;
  }

  /** Makes the next {@code count} executions throw after their insert. */
  public void failNext(int count) {
    failures.set(count);
  }

  /** Resets the counters between tests. */
  public void reset() {
    executions.set(0);
    delayMillis = 0;
    failures.set(0);
  }
}
