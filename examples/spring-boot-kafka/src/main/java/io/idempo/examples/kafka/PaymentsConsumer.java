package io.idempo.examples.kafka;

import io.idempo.IdempotentHandler;
import io.idempo.runtime.outbox.Outbox;
import io.idempo.runtime.outbox.OutboxMessage;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Books each payment into the ledger and emits {@link PaymentCaptured}, once per payment id however
 * often Kafka delivers the event. The Idempo starter makes this bean its generated wrapper
 * {@code IdempotentPaymentsConsumer}: the claim of the payment id, the ledger entry and the outbox
 * message commit in the one transaction {@code @Transactional} begins, and Kafka commits the offset
 * only after it. A redelivery (a crash before the offset commit, a rebalance, a duplicate upstream)
 * finds the claim and does nothing.
 */
@Service
public class PaymentsConsumer {

  private final Ledger ledger;
  private final Outbox outbox;
  private final JsonMapper json;
  private final PaymentsProperties properties;

  public PaymentsConsumer(
      Ledger ledger, Outbox outbox, JsonMapper json, PaymentsProperties properties) {
    this.ledger = ledger;
    this.outbox = outbox;
    this.json = json;
    this.properties = properties;
  }

  @KafkaListener(topics = "${payments.topic}", groupId = "payments-ledger")
  @IdempotentHandler(key = "payment.paymentId", name = "payments.book")
  @Transactional
  public void onPayment(PaymentEvent payment) {
    ledger.book(payment);
    PaymentCaptured captured =
        new PaymentCaptured(payment.paymentId(), payment.accountId(), payment.amountCents());
    outbox.send(
        OutboxMessage.builder(
                properties.capturedTopic(), captured.accountId(), json.writeValueAsBytes(captured))
            .header("type", PaymentCaptured.TYPE)
            .build());
  }
}
