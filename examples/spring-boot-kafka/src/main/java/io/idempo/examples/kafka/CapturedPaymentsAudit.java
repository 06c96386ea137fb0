package io.idempo.examples.kafka;

import io.idempo.IdempotentHandler;
import io.idempo.spring.outbox.KafkaMessagePublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Downstream of the outbox: records each {@link PaymentCaptured} once in {@code payment_audit}.
 * The relay publishes at least once, always with the same outbox message id in the {@value
 * KafkaMessagePublisher#MESSAGE_ID_HEADER} header; that id is the idempotency key, so a
 * re-publish after a relay crash, or a redelivery, records nothing.
 */
@Service
public class CapturedPaymentsAudit {

  private final JdbcTemplate jdbc;

  public CapturedPaymentsAudit(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @KafkaListener(topics = "${payments.captured-topic}", groupId = "payments-audit")
  @IdempotentHandler(key = "messageId", name = "payments.audit")
  @Transactional
  public void onPaymentCaptured(
      PaymentCaptured captured,
      @Header(KafkaMessagePublisher.MESSAGE_ID_HEADER) String messageId) {
    jdbc.update(
        "INSERT INTO payment_audit (message_id, payment_id, account_id, amount_cents)"
            + " VALUES (?, ?, ?, ?)",
        messageId,
        captured.paymentId(),
        captured.accountId(),
        captured.amountCents());
  }
}
