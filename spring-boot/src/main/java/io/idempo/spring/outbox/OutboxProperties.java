package io.idempo.spring.outbox;

import io.idempo.runtime.outbox.JdbcOutbox;
import io.idempo.spring.IdempoProperties.InitializeSchema;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The {@code idempo.outbox.*} properties: the outbox table, its relay and the Kafka publisher. */
@ConfigurationProperties("idempo.outbox")
public class OutboxProperties {

  /**
   * Whether the starter provides a JdbcOutbox bean, for handlers to write messages in their
   * transaction. It needs the starter's JDBC idempotency store, and writes to the same database.
   */
  private boolean enabled = true;

  /**
   * The outbox table, "table" or "schema.table". The outbox and the relay use the same one.
   */
  private String tableName = JdbcOutbox.DEFAULT_TABLE_NAME;

  /** When to create the outbox table and its indexes if they are missing. */
  private InitializeSchema initializeSchema = InitializeSchema.EMBEDDED;

  private final Relay relay = new Relay();

  private final Kafka kafka = new Kafka();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getTableName() {
    return tableName;
  }

  public void setTableName(String tableName) {
    this.tableName = tableName;
  }

  public InitializeSchema getInitializeSchema() {
    return initializeSchema;
  }

  public void setInitializeSchema(InitializeSchema initializeSchema) {
    this.initializeSchema = initializeSchema;
  }

  public Relay getRelay() {
    return relay;
  }

  public Kafka getKafka() {
    return kafka;
  }

  /** The relay that publishes the outbox's messages, from the context's start to its stop. */
  public static class Relay {

    /**
     * Whether this application runs an outbox relay. It needs a MessagePublisher bean: the
     * starter's Kafka publisher, when spring-kafka and a KafkaTemplate are present, or the
     * application's own.
     */
    private boolean enabled = false;

    /** Messages per batch; one batch is one transaction that holds its rows' locks. */
    private int batchSize = 100;

    /** The pause after a batch that was not full. */
    private Duration pollInterval = Duration.ofMillis(500);

    /** The first retry delay of a refused message; doubled at each further failure. */
    private Duration initialBackoff = Duration.ofSeconds(1);

    /** The longest retry delay of a refused message. */
    private Duration maxBackoff = Duration.ofMinutes(5);

    /** How long sent messages stay in the table before the purge deletes them. */
    private Duration retention = Duration.ofDays(7);

    /** How often the relay purges sent messages older than the retention; zero never. */
    private Duration purgeInterval = Duration.ofHours(1);

    /**
     * How long stopping the context waits for the batch in flight before it interrupts it (its
     * messages are then published again by the next relay, with the same ids).
     */
    private Duration shutdownTimeout = Duration.ofSeconds(30);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public int getBatchSize() {
      return batchSize;
    }

    public void setBatchSize(int batchSize) {
      this.batchSize = batchSize;
    }

    public Duration getPollInterval() {
      return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
    }

    public Duration getInitialBackoff() {
      return initialBackoff;
    }

    public void setInitialBackoff(Duration initialBackoff) {
      this.initialBackoff = initialBackoff;
    }

    public Duration getMaxBackoff() {
      return maxBackoff;
    }

    public void setMaxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
    }

    public Duration getRetention() {
      return retention;
    }

    public void setRetention(Duration retention) {
      this.retention = retention;
    }

    public Duration getPurgeInterval() {
      return purgeInterval;
    }

    public void setPurgeInterval(Duration purgeInterval) {
      this.purgeInterval = purgeInterval;
    }

    public Duration getShutdownTimeout() {
      return shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = shutdownTimeout;
    }
  }

  /** The relay's Kafka publisher. */
  public static class Kafka {

    /**
     * How long one publish waits for the broker's acknowledgement (acks=all) before the relay
     * counts it as failed and retries it later. Also bounds the wait for topic metadata
     * (max.block.ms), so one publish takes at most about twice this.
     */
    private Duration sendTimeout = Duration.ofSeconds(10);

    public Duration getSendTimeout() {
      return sendTimeout;
    }

    public void setSendTimeout(Duration sendTimeout) {
      this.sendTimeout = sendTimeout;
    }
  }
}
