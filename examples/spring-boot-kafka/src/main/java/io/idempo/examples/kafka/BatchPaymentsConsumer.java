package io.idempo.examples.kafka;

import io.idempo.IdempotentHandler;
import io.idempo.runtime.outbox.Outbox;
import io.idempo.runtime.outbox.OutboxMessage;
import java.util.List;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link PaymentsConsumer} as a Kafka batch listener: each poll's payment events arrive as one
 * list. The Idempo starter makes this bean its generated wrapper, which claims the payment ids of
 * the whole batch at once and calls {@link #onPayments} with only the payments not booked before,
 * in their order (not at all if there are none). The claims, the ledger entries and the outbox
 * messages of the batch commit in the one transaction {@code @Transactional} begins; Kafka commits
 * the offsets after it. A redelivered batch (a crash before the offset commit, a rebalance) books
 * nothing twice.
 *
 * <p>It shares the handler name {@code payments.book} with {@link PaymentsConsumer}: the name
 * scopes the keys, so a payment booked by either is never booked by the other, which is how a
 * service moves from a record listener to a batch listener without booking anything twice.
 */
@Service
public class BatchPaymentsConsumer {

  private final Ledger ledger;
  private final Outbox outbox;
  private final JsonMapper json;
  private final PaymentsProperties properties;

  public BatchPaymentsConsumer(
      Ledger ledger, Outbox outbox, JsonMapper json, PaymentsProperties properties) {
    this.ledger = ledger;
    this.outbox = outbox;
    this.json = json;
    this.properties = properties;
  }

  @KafkaListener(id = "payments-ledger-batch", topics = "${payments.batch-topic}", batch = "true")
  @IdempotentHandler(key = "payments[*].paymentId", name = "payments.book")
  @Transactional
  public void onPayments(List<PaymentEvent> payments) {
    for (PaymentEvent payment : payments) {
      ledger.book(payment);
      PaymentCaptured captured =
          new PaymentCaptured(payment.paymentId(), payment.accountId(), payment.amountCents());
      outbox.send(
          OutboxMessage.builder(
                  properties.capturedTopic(),
                  captured.accountId(),
                  json.writeValueAsBytes(captured))
              .header("type", PaymentCaptured.TYPE)
              .build());
    }
  }
}
