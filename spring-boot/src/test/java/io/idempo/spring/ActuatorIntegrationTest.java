package io.idempo.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.idempo.spring.metrics.GreetingHandler;
import io.idempo.spring.metrics.MicrometerIdempotencyListener;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/**
 * An application with the actuator, configured by every auto-configuration on the class path: the
 * store shows in the health endpoint as {@code idempo}, and its meters in the actuator's registry.
 */
@SpringBootTest(
    classes = ActuatorIntegrationTest.Application.class,
    properties = {"management.endpoint.health.show-details=always", "idempo.purge.enabled=false"})
class ActuatorIntegrationTest {

  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import(GreetingHandler.class)
  static class Application {}

  @Autowired HealthEndpoint health;
  @Autowired MeterRegistry meters;
  @Autowired GreetingHandler handler;

  @Test
  void theStoreIsInTheHealthEndpointAndItsMetersInTheRegistry() {
    HealthDescriptor idempo = health.healthForPath("idempo");
    assertThat(idempo).isNotNull();
    assertThat(idempo.getStatus()).isEqualTo(Status.UP);

    handler.greet(new GreetingHandler.Greeting("integration", false));
    handler.greet(new GreetingHandler.Greeting("integration", false));

    assertThat(outcome("claimed")).isEqualTo(1);
    assertThat(outcome("duplicate")).isEqualTo(1);
    assertThat(meters.get(MicrometerIdempotencyListener.CLAIM_DURATION).timer().count())
        .isEqualTo(2);
  }

  private double outcome(String outcome) {
    return meters
        .get(MicrometerIdempotencyListener.CLAIMS)
        .tag(MicrometerIdempotencyListener.OUTCOME_TAG, outcome)
        .counter()
        .count();
  }
}
