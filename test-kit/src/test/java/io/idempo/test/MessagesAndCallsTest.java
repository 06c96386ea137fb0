package io.idempo.test;

import static com.google.common.truth.Truth.assertThat;

import io.idempo.runtime.InMemoryIdempotencyStore;
import io.idempo.runtime.outbox.InMemoryMessagePublisher;
import io.idempo.runtime.outbox.JdbcOutbox;
import io.idempo.runtime.outbox.OutboxEnvelope;
import io.idempo.runtime.outbox.OutboxMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** The kit on messages sent and on calls to collaborators. */
class MessagesAndCallsTest {

  private static final Payment PAYMENT = new Payment("p-1", "acct-1", 1000);

  /** A payment gateway, the collaborator of the tests below. */
  interface Gateway {
    boolean charge(String account, long amountCents);
  }

  private static OutboxMessage captured(Payment payment) {
    return CaptureNotifier.captured(payment);
  }

  @Test
  void duplicateSend_isReported_withoutTheGeneratedId() {
    InMemoryMessagePublisher publisher = new InMemoryMessagePublisher();

    RedeliveryReport report =
        Redelivery.<Payment>of(
                p -> publisher.publish(new OutboxEnvelope(UUID.randomUUID(), 0, captured(p), Instant.now(), 1)))
            .observing(MessageState.published(publisher))
            .with(PAYMENT)
            .check();

    assertThat(report.message())
        .contains(
            "published messages: 1 row after one delivery, 2 rows after two:\n"
                + "  + {destination=payments.captured, key=p-1, payload=\"captured 1000\", headers={}}");
  }

  @Test
  void duplicateOutboxRow_isReported_andTheWrapperSendingInItsClaim_passes() {
    JdbcDataSource database = new JdbcDataSource();
    database.setURL("jdbc:h2:mem:outbox-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    JdbcOutbox outbox = JdbcOutbox.builder(database).requireTransaction(false).build();
    outbox.createTableIfMissing();

    CaptureNotifier raw = new CaptureNotifier(outbox);
    RedeliveryReport naive =
        Redelivery.of(raw::announce).observing(MessageState.outbox(database)).with(PAYMENT).check();

    assertThat(naive.message())
        .contains(
            "idempo_outbox: 1 row after one delivery, 2 rows after two:\n"
                + "  + {destination=payments.captured, message_key=p-1, payload=\"captured 1000\", headers=");

    CaptureNotifier wrapped = new IdempotentCaptureNotifier(InMemoryIdempotencyStore.builder().build(), outbox);
    Redelivery.of(wrapped::announce)
        .observing(MessageState.outbox(database))
        .with(new Payment("p-2", "acct-1", 500))
        .assertSameEffectAsOnce();
  }

  @Test
  void repeatedCallOnACollaborator_isReported_andAStubReturnsDefaults() {
    CallRecorder gateway = new CallRecorder("gateway");
    Gateway stub = gateway.recording(Gateway.class);

    RedeliveryReport report =
        Redelivery.<Payment>of(p -> assertThat(stub.charge(p.account(), p.amountCents())).isFalse())
            .observing(gateway)
            .with(PAYMENT)
            .check();

    assertThat(report.message())
        .contains("gateway: 1 row after one delivery, 2 rows after two:\n  + {call=charge, args=[acct-1, 1000]}");
    assertThat(gateway.calls()).hasSize(2);
  }

  @Test
  void recordingProxy_callsTheDelegate_andAGuardedCallPasses() {
    CallRecorder gateway = new CallRecorder("gateway");
    List<String> charged = new ArrayList<>();
    Gateway recorded =
        gateway.recording(
            Gateway.class,
            (account, amount) -> {
              charged.add(account);
              return true;
            });

    Redelivery.<Payment>of(
            p -> {
              if (!charged.contains(p.account())) {
                recorded.charge(p.account(), p.amountCents());
              }
            })
        .observing(gateway, MessageState.of("charged", () -> charged))
        .with(PAYMENT)
        .assertSameEffectAsOnce();

    assertThat(charged).containsExactly("acct-1");
  }
}
