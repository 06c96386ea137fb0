package io.idempo.examples.kafka;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The payments service. With no {@code spring.kafka.bootstrap-servers} it starts an in-process
 * Kafka broker, and with no {@code spring.datasource.url} Spring Boot gives it an in-memory H2, so
 * it runs with nothing installed; {@code --spring.datasource.url=jdbc:postgresql://...} moves it to
 * PostgreSQL.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class PaymentsApplication {

  public static void main(String[] args) {
    SpringApplication application = new SpringApplication(PaymentsApplication.class);
    application.addInitializers(new InProcessKafka());
    ConfigurableApplicationContext context = application.run(args);
    if (context.getBean(PaymentsProperties.class).demo().exitWhenDone()) {
      System.exit(SpringApplication.exit(context));
    }
  }
}
