package io.idempo.spring.outbox;

import io.idempo.runtime.outbox.MessagePublisher;
import io.idempo.runtime.outbox.OutboxEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

/**
 * Publishes outbox messages to Kafka and returns once the broker has acknowledged them: the topic
 * is the message's destination, the record key its key, the value its payload bytes, and each of
 * its headers a record header in UTF-8. The outbox message id travels in the header {@value
 * #MESSAGE_ID_HEADER} (a UUID in its 36-character text form, UTF-8), the same on every publish of a
 * message: consumers deduplicate on it, for example with {@code @IdempotentHandler(key =
 * "messageId")} on a listener parameter {@code @Header(KafkaMessagePublisher.MESSAGE_ID_HEADER)
 * String messageId}.
 *
 * <p>A publish waits at most the send timeout for the acknowledgement; a publish that times out
 * or fails throws, and the relay retries it later with the same id.
 */
public final class KafkaMessagePublisher implements MessagePublisher, AutoCloseable {

  /** The record header that carries the outbox message id. */
  public static final String MESSAGE_ID_HEADER = "idempo-message-id";

  private final KafkaOperations<String, byte[]> kafka;
  private final Duration sendTimeout;
  private final DefaultKafkaProducerFactory<String, byte[]> ownFactory; // null: not ours to close

  /**
   * Publishes through {@code kafka}, which must serialize {@code String} keys and {@code byte[]}
   * values, waiting at most {@code sendTimeout} for each acknowledgement.
   */
  public KafkaMessagePublisher(KafkaOperations<String, byte[]> kafka, Duration sendTimeout) {
    this(kafka, sendTimeout, null);
  }

  private KafkaMessagePublisher(
      KafkaOperations<String, byte[]> kafka,
      Duration sendTimeout,
      DefaultKafkaProducerFactory<String, byte[]> ownFactory) {
    this.kafka = Objects.requireNonNull(kafka, "kafka");
    this.sendTimeout = positive(sendTimeout);
    this.ownFactory = ownFactory;
  }

  /**
   * Publishes with the producer settings of {@code template} (bootstrap servers, security, client
   * id, ...), through a producer of its own that serializes keys as strings and values as bytes,
   * waits for every in-sync replica ({@code acks=all}) and blocks on metadata at most {@code
   * sendTimeout}. {@link #close()} closes that producer.
   */
  public static KafkaMessagePublisher withSettingsOf(
      KafkaTemplate<?, ?> template, Duration sendTimeout) {
    Duration timeout = positive(sendTimeout);
    Map<String, Object> settings =
        new HashMap<>(template.getProducerFactory().getConfigurationProperties());
    settings.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    settings.put(ProducerConfig.ACKS_CONFIG, "all");
    settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
    DefaultKafkaProducerFactory<String, byte[]> factory =
        new DefaultKafkaProducerFactory<>(settings, new StringSerializer(), new ByteArraySerializer());
    return new KafkaMessagePublisher(new KafkaTemplate<>(factory), timeout, factory);
  }

  @Override
  public void publish(OutboxEnvelope message) throws Exception {
    RecordHeaders headers = new RecordHeaders();
    message.headers().forEach(
        (name, value) -> {
          if (!name.equals(MESSAGE_ID_HEADER)) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
          }
        });
    headers.add(MESSAGE_ID_HEADER, message.id().toString().getBytes(StandardCharsets.UTF_8));
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(
            message.destination(), null, message.key(), message.payload(), headers);
    CompletableFuture<SendResult<String, byte[]>> sent = kafka.send(record);
    try {
      sent.get(sendTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      sent.cancel(false);
      TimeoutException timeout =
          new TimeoutException(
              "Kafka did not acknowledge outbox message "
                  + message.id()
                  + " to topic "
                  + message.destination()
                  + " within "
                  + sendTimeout
                  + " (idempo.outbox.kafka.send-timeout)");
      timeout.initCause(e);
      throw timeout;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** Closes the producer this publisher made for itself, if any. */
  @Override
  public void close() {
    if (ownFactory != null) {
      ownFactory.destroy();
    }
  }

  @Override
  public String toString() {
    return "KafkaMessagePublisher{sendTimeout=" + sendTimeout + "}";
  }

  private static Duration positive(Duration sendTimeout) {
    Objects.requireNonNull(sendTimeout, "sendTimeout");
    if (sendTimeout.isNegative() || sendTimeout.isZero()) {
      throw new IllegalArgumentException(
          "idempo.outbox.kafka.send-timeout must be positive, was " + sendTimeout);
    }
    return sendTimeout;
  }
}
