package io.idempo.spring.outbox;

import io.idempo.IdempotentHandler;
import io.idempo.runtime.outbox.Outbox;
import io.idempo.runtime.outbox.OutboxMessage;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/** A handler that books a capture with JdbcTemplate and emits its event through the outbox. */
public class CaptureHandler {

  static final String TOPIC = "captures";

  private final JdbcTemplate jdbc;
  private final Outbox outbox;

  public CaptureHandler(JdbcTemplate jdbc, Outbox outbox) {
    this.jdbc = jdbc;
    this.outbox = outbox;
  }

  /** A capture command; {@code fail} makes the handler throw after both writes. */
  public record Capture(String paymentId, boolean fail) {}

  @IdempotentHandler(key = "command.paymentId", name = "outbox-test.capture")
  public UUID capture(Capture command) {
    jdbc.update("INSERT INTO capture (payment_id) VALUES (?)", command.paymentId());
    UUID id =
        outbox.send(
            OutboxMessage.builder(
                    TOPIC,
                    command.paymentId(),
                    command.paymentId().getBytes(StandardCharsets.UTF_8))
                .header("type", "PaymentCaptured")
                .build());
    if (command.fail()) {
      throw new IllegalStateException("capture of " + command.paymentId() + " failed");
    }
    return id;
  }
}
