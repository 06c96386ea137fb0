package io.idempo.test.kafka;

import io.idempo.test.Bytes;
import io.idempo.test.Row;
import io.idempo.test.StateSource;
import io.idempo.test.Table;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serializer;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.mock.MockProducerFactory;

/**
 * A Spring Kafka {@link KafkaTemplate} that sends nowhere and records what it was asked to send,
 * as state: a redelivery that sends a record again shows as a new row {@code {topic=…, key=…,
 * value=…, headers=[…]}}. Every way to send ({@code send}, {@code sendDefault}, a {@code Message},
 * a callback through {@code execute}) ends in its {@link MockProducer}, which records the record
 * as given: key and value objects, not serialized, and no timestamp.
 *
 * <pre>{@code
 * RecordingKafkaTemplate<String, String> kafka = new RecordingKafkaTemplate<>();
 * Redelivery.of(new CaptureAnnouncer(kafka)::on).observing(kafka).with(event).assertSameEffectAsOnce();
 * }</pre>
 *
 * <p>Not transactional. Needs {@code spring-kafka} on the test class path (the kit declares it
 * optional). {@link #clear()} forgets what was sent, for a setup.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class RecordingKafkaTemplate<K, V> extends KafkaTemplate<K, V> implements StateSource {

  private final String name;
  private final MockProducer<K, V> producer;

  /** A template whose sends show as table {@code kafka}. */
  public RecordingKafkaTemplate() {
    this("kafka");
  }

  /** A template whose sends show as table {@code name}. */
  public RecordingKafkaTemplate(String name) {
    this(name, new OpenProducer<>());
  }

  private RecordingKafkaTemplate(String name, MockProducer<K, V> producer) {
    super(new MockProducerFactory<>(() -> producer));
    this.name = Objects.requireNonNull(name, "name");
    this.producer = producer;
  }

  /** The records sent so far, in order, as given to the template. */
  public List<ProducerRecord<K, V>> sent() {
    return producer.history();
  }

  /** Forgets the records sent so far. */
  public void clear() {
    producer.clear();
  }

  /** One row per record sent: topic, the partition if one was given, key, value and headers. */
  @Override
  public List<Table> snapshot() {
    List<Row> rows = new ArrayList<>();
    for (ProducerRecord<K, V> record : producer.history()) {
      Map<String, Object> values = new LinkedHashMap<>();
      values.put("topic", record.topic());
      if (record.partition() != null) {
        values.put("partition", record.partition());
      }
      values.put("key", record.key());
      values.put("value", record.value());
      List<String> headers = new ArrayList<>();
      for (Header header : record.headers()) {
        headers.add(header.key() + "=" + (header.value() == null ? null : Bytes.of(header.value())));
      }
      values.put("headers", headers);
      rows.add(Row.of(values));
    }
    return List.of(Table.of(name, rows));
  }

  @Override
  public String toString() {
    return "RecordingKafkaTemplate " + name;
  }

  /**
   * Completes every send at once, and stays open: the template closes its producer after each
   * send, as it would a pooled one.
   */
  private static final class OpenProducer<K, V> extends MockProducer<K, V> {

    OpenProducer() {
      super(true, null, OpenProducer.<K>nothing(), OpenProducer.<V>nothing());
    }

    /** Serializes to nothing: the records are kept as given. */
    private static <T> Serializer<T> nothing() {
      return (topic, data) -> new byte[0];
    }

    @Override
    public void close() {}

    @Override
    public void close(Duration timeout) {}
  }
}
