package io.idempo.spring.outbox;

import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import io.idempo.runtime.outbox.JdbcOutbox;
import io.idempo.runtime.outbox.MessagePublisher;
import io.idempo.runtime.outbox.Outbox;
import io.idempo.runtime.outbox.OutboxRelay;
import io.idempo.runtime.outbox.OutboxRelayListener;
import io.idempo.spring.IdempoAutoConfiguration;
import io.idempo.spring.IdempoProperties.InitializeSchema;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The transactional outbox over the application's {@link DataSource}: a {@link JdbcOutbox} whose
 * messages commit and roll back with the application's Spring transactions (and so with the
 * idempotent handler that writes them); with {@code idempo.outbox.relay.enabled=true}, an {@link
 * OutboxRelay} that publishes them from the context's start to its stop; and, with spring-kafka
 * and a {@link KafkaTemplate}, a {@link KafkaMessagePublisher} for it. Every bean backs off when the
 * application defines its own.
 */
@AutoConfiguration(
    after = IdempoAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
      "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
      "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration"
    })
@ConditionalOnClass(TransactionAwareDataSourceProxy.class)
@ConditionalOnSingleCandidate(DataSource.class)
@EnableConfigurationProperties(OutboxProperties.class)
public class OutboxAutoConfiguration {

  /**
   * The outbox handlers write to, in the database of the application's JDBC idempotency store.
   * {@link JdbcOutbox} takes a connection from its {@code DataSource} for every message; behind
   * Spring's {@link TransactionAwareDataSourceProxy}, that is the connection of the Spring
   * transaction in progress (a transactional claim's, a {@code @Transactional} method's), so the
   * message commits or rolls back with it. Outside a transaction, {@link JdbcOutbox#send} refuses
   * to commit a message on its own. An application that replaced the JDBC store gets no outbox
   * from here.
   */
  @Bean
  @ConditionalOnMissingBean(Outbox.class)
  @ConditionalOnBean(JdbcIdempotencyStore.class)
  @ConditionalOnBooleanProperty(name = "idempo.outbox.enabled", matchIfMissing = true)
  JdbcOutbox idempoOutbox(
      DataSource dataSource, JdbcIdempotencyStore store, OutboxProperties properties) {
    JdbcOutbox outbox =
        JdbcOutbox.builder(new TransactionAwareDataSourceProxy(dataSource))
            .tableName(properties.getTableName())
            .dialect(store.dialect())
            .build();
    if (properties.getInitializeSchema().createsTableOn(dataSource)) {
      outbox.createTableIfMissing();
    }
    return outbox;
  }

  /**
   * The relay, built at every start of the context over the application's plain {@code
   * DataSource} (it runs transactions of its own on its own thread).
   */
  @Bean
  @ConditionalOnMissingBean(OutboxRelayLifecycle.class)
  @ConditionalOnBooleanProperty("idempo.outbox.relay.enabled")
  OutboxRelayLifecycle idempoOutboxRelay(
      DataSource dataSource,
      OutboxProperties properties,
      ObjectProvider<MessagePublisher> publishers,
      ObjectProvider<OutboxRelayListener> listeners) {
    MessagePublisher publisher = publishers.getIfUnique();
    if (publisher == null) {
      String found =
          publishers.stream().findAny().isPresent()
              ? "several MessagePublisher beans and none is @Primary"
              : "no MessagePublisher bean";
      throw new IllegalStateException(
          "idempo.outbox.relay.enabled is true, but the application has "
              + found
              + ", so the relay has nothing to publish with. Add spring-kafka and configure a"
              + " KafkaTemplate (spring.kafka.*) for the starter's Kafka publisher, or define one"
              + " MessagePublisher bean");
    }
    // Detects the database once, and creates the table before the first batch looks for it.
    JdbcOutbox table = JdbcOutbox.builder(dataSource).tableName(properties.getTableName()).build();
    if (properties.getInitializeSchema().createsTableOn(dataSource)) {
      table.createTableIfMissing();
    }
    OutboxProperties.Relay relay = properties.getRelay();
    OutboxRelay.Builder builder =
        OutboxRelay.builder(dataSource, publisher)
            .tableName(properties.getTableName())
            .dialect(table.dialect())
            .batchSize(relay.getBatchSize())
            .pollInterval(relay.getPollInterval())
            .initialBackoff(relay.getInitialBackoff())
            .maxBackoff(relay.getMaxBackoff())
            .retention(relay.getRetention())
            .purgeInterval(relay.getPurgeInterval())
            .shutdownTimeout(relay.getShutdownTimeout());
    OutboxRelayListener listener = listeners.getIfUnique();
    if (listener != null) {
      builder.listener(listener);
    }
    OutboxRelay unused = builder.build(); // a bad setting fails the startup, not the first start
    return new OutboxRelayLifecycle(builder::build);
  }

  /** Publishes the relay's messages to Kafka, with the application's producer settings. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(KafkaTemplate.class)
  @ConditionalOnBooleanProperty("idempo.outbox.relay.enabled")
  static class KafkaPublisherConfiguration {

    @Bean
    @ConditionalOnMissingBean(MessagePublisher.class)
    @ConditionalOnBean(KafkaTemplate.class)
    KafkaMessagePublisher idempoKafkaMessagePublisher(
        KafkaTemplate<?, ?> template, OutboxProperties properties) {
      return KafkaMessagePublisher.withSettingsOf(template, properties.getKafka().getSendTimeout());
    }
  }
}
