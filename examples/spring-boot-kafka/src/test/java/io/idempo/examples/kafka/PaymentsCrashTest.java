package io.idempo.examples.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.idempo.runtime.jdbc.SharedPostgres;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The service end to end on a real Kafka broker (in-process, KRaft) and a real PostgreSQL
 * (embedded): payment events with duplicates; a first service JVM that halts right after a
 * consumer transaction commits and before Kafka commits the offset; a second one that gets the
 * same events again. Every payment is booked once, emits one PaymentCaptured, and is audited once.
 */
@Timeout(value = 170, unit = java.util.concurrent.TimeUnit.SECONDS)
class PaymentsCrashTest {

  private static final int PAYMENTS = 60;
  private static final int DUPLICATE_EVERY = 3;
  private static final int HALT_AT_DELIVERY = 25;
  private static final Pattern CONTAINERS = Pattern.compile("listener containers: (\\d+) \\[(.*)]");

  private static EmbeddedKafkaKraftBroker kafka;

  @BeforeAll
  static void startKafka() {
    kafka = new EmbeddedKafkaKraftBroker(1, 3, "payments", "payments.captured");
    kafka.brokerProperty("group.initial.rebalance.delay.ms", "0");
    kafka.brokerProperty("offsets.topic.num.partitions", "3");
    kafka.afterPropertiesSet();
  }

  @AfterAll
  static void stopKafka() {
    kafka.destroy();
  }

  @Test
  void everyPaymentTakesEffectOnceAcrossAKillBetweenTheCommitAndTheOffsetCommit() throws Exception {
    // The services' logs stay in target/ for a failure to be read.
    Path logs = Files.createDirectories(Path.of("target", "payments-crash-test"));
    DataSource pool = SharedPostgres.freshSchema();
    JdbcTemplate db = new JdbcTemplate(pool);
    String url =
        SharedPostgres.server().getJdbcUrl("postgres", "postgres")
            + "&currentSchema="
            + SharedPostgres.schemaOf(pool);
    int published = publishPayments();
    assertThat(published).isGreaterThan(PAYMENTS);

    ChildService first =
        ChildService.start(
            "first", logs, arguments(url, "--payments.crash.halt-after-commit=" + HALT_AT_DELIVERY));
    int status = first.awaitExit(90);
    assertThat(status).as("exit status; log %s", first.log()).isEqualTo(HaltAfterCommit.STATUS);
    assertThat(first.output()).contains(HaltAfterCommit.MARKER + HALT_AT_DELIVERY);
    long bookedBeforeRestart = count(db, "SELECT COUNT(*) FROM payment_ledger");
    assertThat(bookedBeforeRestart).isPositive();
    assertThat(count(db, "SELECT COUNT(DISTINCT payment_id) FROM payment_ledger"))
        .isEqualTo(bookedBeforeRestart);
    // The kill came after database commits whose offsets Kafka never got: they come back.
    long committedAtKill = committedOffsets("payments-ledger");
    assertThat(committedAtKill).isLessThan(HALT_AT_DELIVERY);
    System.out.printf(
        "PaymentsCrashTest: %d records for %d payments; at the kill %d booked, %d offsets"
            + " committed%n",
        published, PAYMENTS, bookedBeforeRestart, committedAtKill);

    ChildService second = ChildService.start("second", logs, arguments(url));
    try {
      awaitAllBookedAndAudited(db, second);
      Thread.sleep(2_000); // late redeliveries, if any, would add rows now
      assertThat(count(db, "SELECT COUNT(*) FROM payment_ledger")).isEqualTo(PAYMENTS);
      assertThat(count(db, "SELECT COUNT(DISTINCT payment_id) FROM payment_ledger"))
          .isEqualTo(PAYMENTS);
      assertThat(count(db, "SELECT COUNT(*) FROM idempo_outbox")).isEqualTo(PAYMENTS);
      assertThat(count(db, "SELECT COUNT(*) FROM idempo_outbox WHERE sent_at IS NULL")).isZero();
      assertThat(count(db, "SELECT COUNT(*) FROM payment_audit")).isEqualTo(PAYMENTS);
      assertThat(count(db, "SELECT COUNT(DISTINCT payment_id) FROM payment_audit"))
          .isEqualTo(PAYMENTS);
      assertThat(count(db, "SELECT COUNT(DISTINCT message_id) FROM payment_audit"))
          .isEqualTo(PAYMENTS);

      // The second JVM consumed every record, the ones whose effects the first had committed
      // included, and booked none of them twice.
      awaitCommittedOffsets("payments-ledger", published);

      assertOneContainerPerListenerMethod(second.output());
      assertThat(second.stop(60)).as("graceful stop; log %s", second.log()).isNotEqualTo(-1);
      assertThat(second.output()).doesNotContain("Application run failed");
    } finally {
      if (second.isAlive()) {
        second.kill();
      }
      SharedPostgres.close(pool);
    }
  }

  private static List<String> arguments(String url, String... more) {
    List<String> arguments = new ArrayList<>();
    arguments.add("--spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString());
    arguments.add("--spring.datasource.url=" + url);
    arguments.add("--payments.demo.events=0");
    arguments.add("--payments.demo.exit-when-done=false");
    // A killed consumer's partitions go to the next one after its session times out.
    arguments.add("--spring.kafka.consumer.properties[session.timeout.ms]=6000");
    arguments.add("--spring.kafka.consumer.properties[heartbeat.interval.ms]=1000");
    arguments.addAll(List.of(more));
    return arguments;
  }

  /** Publishes every payment once, then every third one again; returns the number of records. */
  private static int publishPayments() throws Exception {
    Properties settings = new Properties();
    settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString());
    settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    List<ProducerRecord<String, String>> records = new ArrayList<>();
    for (int i = 1; i <= PAYMENTS; i++) {
      records.add(payment(i));
    }
    for (int i = DUPLICATE_EVERY; i <= PAYMENTS; i += DUPLICATE_EVERY) {
      records.add(payment(i));
    }
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(settings)) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (ProducerRecord<String, String> record : records) {
        sent.add(producer.send(record));
      }
      for (Future<RecordMetadata> future : sent) {
        future.get();
      }
    }
    return records.size();
  }

  private static ProducerRecord<String, String> payment(int i) {
    String account = "acct-" + (i % 7);
    String json =
        "{\"paymentId\":\"pay-"
            + i
            + "\",\"accountId\":\""
            + account
            + "\",\"amountCents\":"
            + (1000 + i)
            + "}";
    return new ProducerRecord<>("payments", account, json);
  }

  private static void awaitAllBookedAndAudited(JdbcTemplate db, ChildService service)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(service.isAlive()).as("service alive; log %s", service.log()).isTrue();
      if (count(db, "SELECT COUNT(DISTINCT payment_id) FROM payment_ledger") == PAYMENTS
          && count(db, "SELECT COUNT(DISTINCT payment_id) FROM payment_audit") == PAYMENTS
          && count(db, "SELECT COUNT(*) FROM idempo_outbox WHERE sent_at IS NULL") == 0) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "not every payment was booked and audited within 90 s; log " + service.log());
  }

  private static void assertOneContainerPerListenerMethod(String output) {
    Matcher report = CONTAINERS.matcher(output);
    assertThat(report.find()).as("listener containers report in the service log").isTrue();
    long listenerMethods =
        Stream.of(PaymentsConsumer.class, BatchPaymentsConsumer.class, CapturedPaymentsAudit.class)
            .flatMap(type -> Stream.of(type.getDeclaredMethods()))
            .filter((Method m) -> m.isAnnotationPresent(KafkaListener.class))
            .count();
    assertThat(Long.parseLong(report.group(1))).isEqualTo(listenerMethods);
    assertThat(report.group(2))
        .isEqualTo(
            "payments-audit <- payments.captured, payments-ledger <- payments,"
                + " payments-ledger-batch <- payments.batches");
  }

  private static void awaitCommittedOffsets(String group, long expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    long committed = committedOffsets(group);
    while (committed < expected && System.nanoTime() < deadline) {
      Thread.sleep(250);
      committed = committedOffsets(group);
    }
    assertThat(committed).as("offsets committed by " + group).isEqualTo(expected);
  }

  private static long committedOffsets(String group) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString()))) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      return offsets.values().stream()
          .filter(offset -> offset != null)
          .mapToLong(OffsetAndMetadata::offset)
          .sum();
    }
  }

  private static long count(JdbcTemplate db, String sql) {
    Long count = db.queryForObject(sql, Long.class);
    return count == null ? 0 : count;
  }
}
