package io.idempo.test.kafka;

import static com.google.common.truth.Truth.assertThat;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.idempo.runtime.InMemoryIdempotencyStore;
import io.idempo.test.ClaimLog;
import io.idempo.test.Redelivery;
import io.idempo.test.RedeliveryReport;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.support.MessageBuilder;

/** Records sent with Spring Kafka's template, as state. */
class RecordingKafkaTemplateTest {

  private static final CaptureAnnouncer.Captured CAPTURED = new CaptureAnnouncer.Captured("p-1", 1000);

  private final RecordingKafkaTemplate<String, String> kafka = new RecordingKafkaTemplate<>();

  @Test
  void duplicateSend_isReported_asTheNewRecord() {
    CaptureAnnouncer announcer = new CaptureAnnouncer(kafka);

    RedeliveryReport report = Redelivery.of(announcer::announce).observing(kafka).with(CAPTURED).check();

    assertThat(report.message())
        .isEqualTo(
            """
            Delivering Captured[paymentId=p-1, amountCents=1000] twice did not have the same effect \
            as delivering it once:
            kafka: 1 row after one delivery, 2 rows after two:
              + {topic=payments.captured, key=p-1, value=captured 1000, headers=[]}""");
    assertThat(kafka.sent()).hasSize(2);
  }

  @Test
  void everyWayToSend_isRecorded_withPartitionAndHeaders() throws Exception {
    kafka.setDefaultTopic("payments.default");

    kafka.sendDefault("p-1", "default").get();
    kafka.send("payments.partitioned", 3, "p-1", "to partition 3").get();
    kafka
        .send(
            MessageBuilder.withPayload("as a message")
                .setHeader(KafkaHeaders.TOPIC, "payments.messages")
                .setHeader(KafkaHeaders.KEY, "p-1")
                .setHeader("trace", "t-1".getBytes(UTF_8))
                .build())
        .get();

    assertThat(kafka.snapshot().get(0).rows().stream().map(Object::toString).toList())
        .containsExactly(
            "{topic=payments.default, key=p-1, value=default, headers=[]}",
            "{topic=payments.partitioned, partition=3, key=p-1, value=to partition 3, headers=[]}",
            "{topic=payments.messages, key=p-1, value=as a message, headers=[trace=\"t-1\"]}")
        .inOrder();
    kafka.clear();
    assertThat(kafka.sent()).isEmpty();
  }

  @Test
  void guardedSend_passes_alsoConcurrently() {
    Set<String> announced = ConcurrentHashMap.newKeySet();
    CaptureAnnouncer announcer = new CaptureAnnouncer(kafka);

    Redelivery<CaptureAnnouncer.Captured> redelivery =
        Redelivery.<CaptureAnnouncer.Captured>of(
                c -> {
                  if (announced.add(c.paymentId())) {
                    announcer.announce(c);
                  }
                })
            .observing(kafka)
            .startingFrom(
                () -> {
                  kafka.clear();
                  announced.clear();
                });

    redelivery.with(CAPTURED).assertSameEffectAsOnce();
    redelivery.with(CAPTURED).concurrently(4).assertSameEffectAsOnce();
  }

  @Test
  void wrappedAnnouncer_passes_andTheWrapperIsNamedAsTheReason() {
    ClaimLog claims = new ClaimLog();
    CaptureAnnouncer wrapped =
        new IdempotentCaptureAnnouncer(InMemoryIdempotencyStore.builder().listener(claims).build(), kafka);

    RedeliveryReport report =
        Redelivery.of(wrapped::announce).observing(kafka).watchingClaims(claims).with(CAPTURED).check();

    assertThat(report.sameEffect()).isTrue();
    assertThat(report.wrapper()).isEqualTo(RedeliveryReport.Wrapper.DUPLICATES_SKIPPED);
    assertThat(kafka.sent()).hasSize(1);
  }
}
