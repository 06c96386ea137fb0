package io.idempo.examples.kafka;

import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Starts a single-node Kafka broker (KRaft, in this JVM) when the application has no {@code
 * spring.kafka.bootstrap-servers}, so that the example runs with nothing installed. The broker is
 * a bean: it stops when the context closes, after the listeners and the relay.
 */
final class InProcessKafka implements ApplicationContextInitializer<ConfigurableApplicationContext> {

  static final String BOOTSTRAP_SERVERS = "spring.kafka.bootstrap-servers";

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    ConfigurableEnvironment environment = context.getEnvironment();
    if (environment.containsProperty(BOOTSTRAP_SERVERS)
        || !(context instanceof GenericApplicationContext beans)) {
      return;
    }
    EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 3);
    broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
    broker.brokerProperty("offsets.topic.num.partitions", "3");
    broker.afterPropertiesSet();
    environment
        .getPropertySources()
        .addFirst(
            new MapPropertySource(
                "in-process-kafka", Map.of(BOOTSTRAP_SERVERS, broker.getBrokersAsString())));
    beans.registerBean("inProcessKafka", EmbeddedKafkaBroker.class, () -> broker);
    System.out.println("Started an in-process Kafka broker at " + broker.getBrokersAsString());
  }
}
