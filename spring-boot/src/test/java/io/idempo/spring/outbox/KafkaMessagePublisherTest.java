package io.idempo.spring.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idempo.runtime.outbox.JdbcOutbox;
import io.idempo.runtime.outbox.MessagePublisher;
import io.idempo.runtime.outbox.OutboxEnvelope;
import io.idempo.runtime.outbox.OutboxMessage;
import io.idempo.spring.IdempoAutoConfiguration;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.transaction.support.TransactionTemplate;

/** The Kafka publisher against an in-process KRaft broker, alone and as the relay's publisher. */
@EmbeddedKafka(
    partitions = 1,
    topics = {"publisher-test", "relay-test"})
class KafkaMessagePublisherTest {

  @Test
  void publishesPayloadKeyHeadersAndTheMessageIdHeader(EmbeddedKafkaBroker broker)
      throws Exception {
    UUID id = UUID.randomUUID();
    OutboxEnvelope envelope =
        new OutboxEnvelope(
            id,
            1,
            OutboxMessage.builder("publisher-test", "account-7", bytes("{\"cents\":250}"))
                .header("type", "PaymentCaptured")
                .build(),
            Instant.now(),
            1);
    try (KafkaMessagePublisher publisher =
        KafkaMessagePublisher.withSettingsOf(template(broker), Duration.ofSeconds(10))) {
      publisher.publish(envelope);
    }

    ConsumerRecord<String, byte[]> record = readOne(broker, "publisher-test");
    assertThat(record.key()).isEqualTo("account-7");
    assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"cents\":250}");
    assertThat(header(record, KafkaMessagePublisher.MESSAGE_ID_HEADER)).isEqualTo(id.toString());
    assertThat(header(record, "type")).isEqualTo("PaymentCaptured");
  }

  @Test
  void publishToABrokerThatDoesNotAnswerFailsWithinTheTimeout() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Map<String, Object> settings =
        Map.of(
            "bootstrap.servers", "127.0.0.1:" + closedPort,
            "reconnect.backoff.max.ms", 200);
    KafkaTemplate<String, String> unreachable =
        new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(settings));
    OutboxEnvelope envelope =
        new OutboxEnvelope(
            UUID.randomUUID(), 1, OutboxMessage.of("publisher-test", "k", bytes("x")), Instant.now(), 1);
    long started = System.nanoTime();
    try (KafkaMessagePublisher publisher =
        KafkaMessagePublisher.withSettingsOf(unreachable, Duration.ofMillis(500))) {
      // Kafka's own metadata timeout (max.block.ms = the send timeout), or ours on the ack.
      assertThatThrownBy(() -> publisher.publish(envelope)).isInstanceOf(Exception.class);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void relayPublishesCommittedOutboxMessagesToKafka(EmbeddedKafkaBroker broker) {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                DataSourceAutoConfiguration.class,
                DataSourceTransactionManagerAutoConfiguration.class,
                TransactionAutoConfiguration.class,
                KafkaAutoConfiguration.class,
                IdempoAutoConfiguration.class,
                OutboxAutoConfiguration.class))
        .withPropertyValues(
            "spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
            "idempo.purge.enabled=false",
            "idempo.outbox.relay.enabled=true",
            "idempo.outbox.relay.poll-interval=50ms")
        .run(
            context -> {
              assertThat(context).hasSingleBean(KafkaMessagePublisher.class);
              assertThat(context.getBean(MessagePublisher.class))
                  .isSameAs(context.getBean(KafkaMessagePublisher.class));
              JdbcOutbox outbox = context.getBean(JdbcOutbox.class);
              UUID id =
                  context
                      .getBean(TransactionTemplate.class)
                      .execute(
                          status ->
                              outbox.send(
                                  OutboxMessage.of("relay-test", "order-1", bytes("placed"))));

              ConsumerRecord<String, byte[]> record = readOne(broker, "relay-test");
              assertThat(record.key()).isEqualTo("order-1");
              assertThat(header(record, KafkaMessagePublisher.MESSAGE_ID_HEADER))
                  .isEqualTo(String.valueOf(id));
            });
  }

  private static KafkaTemplate<String, String> template(EmbeddedKafkaBroker broker) {
    return new KafkaTemplate<>(
        new DefaultKafkaProducerFactory<>(KafkaTestUtils.producerProps(broker)));
  }

  private static ConsumerRecord<String, byte[]> readOne(EmbeddedKafkaBroker broker, String topic) {
    Map<String, Object> props = KafkaTestUtils.consumerProps(broker, "reader-" + topic, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (Consumer<String, byte[]> consumer =
        new DefaultKafkaConsumerFactory<>(
                props, new StringDeserializer(), new ByteArrayDeserializer())
            .createConsumer()) {
      broker.consumeFromAnEmbeddedTopic(consumer, topic);
      return KafkaTestUtils.getSingleRecord(consumer, topic, Duration.ofSeconds(20));
    }
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
