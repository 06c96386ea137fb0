package io.idempo.examples.kafka;

import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.support.converter.RecordMessageConverter;
import org.springframework.kafka.support.converter.StringJacksonJsonMessageConverter;
import tools.jackson.databind.json.JsonMapper;

/** The topics, and JSON payloads bound to the listeners' record parameters. */
@Configuration(proxyBeanMethods = false)
class KafkaSetup {

  @Bean
  NewTopic paymentsTopic(PaymentsProperties properties) {
    return TopicBuilder.name(properties.topic()).partitions(3).build();
  }

  @Bean
  NewTopic capturedTopic(PaymentsProperties properties) {
    return TopicBuilder.name(properties.capturedTopic()).partitions(3).build();
  }

  @Bean
  NewTopic batchTopic(PaymentsProperties properties) {
    return TopicBuilder.name(properties.batchTopic()).partitions(3).build();
  }

  /** Spring Boot hands it to the listener containers: JSON values become the parameter's type. */
  @Bean
  RecordMessageConverter jsonMessageConverter(JsonMapper json) {
    return new StringJacksonJsonMessageConverter(json);
  }
}
