package io.idempo.examples.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.test.context.EmbeddedKafka;
import tools.jackson.databind.json.JsonMapper;

/**
 * The batch listener on an in-process broker: payment events with duplicates are booked once each;
 * then the group's offsets go back to the start, so Kafka redelivers every batch, as after a crash
 * between the database commit and the offset commit, and nothing is booked again.
 */
@SpringBootTest(properties = {"payments.demo.events=0", "payments.demo.exit-when-done=false"})
@EmbeddedKafka(
    partitions = 3,
    topics = {"payments", "payments.captured", "payments.batches"},
    bootstrapServersProperty = "spring.kafka.bootstrap-servers")
class BatchPaymentsConsumerTest {

  private static final String GROUP = "payments-ledger-batch";
  private static final int PAYMENTS = 30;
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @Autowired KafkaTemplate<String, String> kafka;
  @Autowired KafkaListenerEndpointRegistry registry;
  @Autowired JsonMapper json;
  @Autowired JdbcTemplate db;

  @Value("${spring.kafka.bootstrap-servers}")
  String bootstrapServers;

  @Test
  void aRedeliveredBatchBooksNothingAgain() throws Exception {
    int records = publishWithDuplicates();
    awaitValue("ledger entries of the batch topic", () -> count("COUNT(*)"), PAYMENTS);
    awaitValue("committed offsets of " + GROUP, this::committedOffsets, records);

    MessageListenerContainer container = registry.getListenerContainer(GROUP);
    assertThat(container).isNotNull();
    container.stop();
    rewindOffsets();
    container.start();
    awaitValue("committed offsets after the redelivery", this::committedOffsets, records);

    assertThat(count("COUNT(*)")).isEqualTo(PAYMENTS);
    assertThat(count("COUNT(DISTINCT payment_id)")).isEqualTo(PAYMENTS);
  }

  /** Publishes {@link #PAYMENTS} events, every third one twice; returns the number of records. */
  private int publishWithDuplicates() throws Exception {
    List<CompletableFuture<?>> sends = new ArrayList<>();
    for (int i = 1; i <= PAYMENTS; i++) {
      PaymentEvent payment = new PaymentEvent("batch-" + i, "acct-" + (i % 4), 100L * i);
      String value = json.writeValueAsString(payment);
      sends.add(kafka.send("payments.batches", payment.accountId(), value));
      if (i % 3 == 0) {
        sends.add(kafka.send("payments.batches", payment.accountId(), value));
      }
    }
    kafka.flush();
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get();
    return sends.size();
  }

  /** Sets the group's committed offsets back to 0, so the restarted listener reads everything. */
  private void rewindOffsets() throws Exception {
    try (Admin admin = admin()) {
      Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
      for (int partition = 0; partition < 3; partition++) {
        start.put(new TopicPartition("payments.batches", partition), new OffsetAndMetadata(0));
      }
      Instant deadline = Instant.now().plus(DEADLINE);
      while (true) {
        try {
          // Refused until the stopped consumer has left the group.
          admin.alterConsumerGroupOffsets(GROUP, start).all().get();
          return;
        } catch (ExecutionException notEmptyYet) {
          if (Instant.now().isAfter(deadline)) {
            throw notEmptyYet;
          }
          Thread.sleep(200);
        }
      }
    }
  }

  private long committedOffsets() {
    try (Admin admin = admin()) {
      return admin
          .listConsumerGroupOffsets(GROUP)
          .partitionsToOffsetAndMetadata()
          .get()
          .values()
          .stream()
          .mapToLong(OffsetAndMetadata::offset)
          .sum();
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the offsets of " + GROUP, e);
    }
  }

  private Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
  }

  private long count(String what) {
    Long count =
        db.queryForObject(
            "SELECT " + what + " FROM payment_ledger WHERE payment_id LIKE 'batch-%'", Long.class);
    return count == null ? 0 : count;
  }

  private static void awaitValue(String what, LongSupplier value, long expected)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(DEADLINE);
    while (value.getAsLong() != expected) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            what + ": expected " + expected + " within " + DEADLINE + ", was " + value.getAsLong());
      }
      Thread.sleep(100);
    }
  }
}
