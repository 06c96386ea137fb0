package io.idempo.examples.kafka;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;

/** Logs the Kafka listener containers once the service is up: one per {@code @KafkaListener}. */
@Component
class ListenerContainersReport {

  private static final System.Logger LOG =
      System.getLogger(ListenerContainersReport.class.getName());

  private final KafkaListenerEndpointRegistry registry;

  ListenerContainersReport(KafkaListenerEndpointRegistry registry) {
    this.registry = registry;
  }

  @EventListener(ApplicationReadyEvent.class)
  void report() {
    LOG.log(System.Logger.Level.INFO, describe(registry));
  }

  /** For example {@code listener containers: 2 [payments-audit <- payments.captured, ...]}. */
  static String describe(KafkaListenerEndpointRegistry registry) {
    return "listener containers: "
        + registry.getListenerContainers().size()
        + " "
        + registry.getListenerContainers().stream()
            .map(ListenerContainersReport::describe)
            .sorted()
            .collect(Collectors.joining(", ", "[", "]"));
  }

  private static String describe(MessageListenerContainer container) {
    String[] topics = container.getContainerProperties().getTopics();
    return container.getGroupId()
        + " <- "
        + (topics == null ? "?" : String.join(",", Arrays.asList(topics)));
  }
}
