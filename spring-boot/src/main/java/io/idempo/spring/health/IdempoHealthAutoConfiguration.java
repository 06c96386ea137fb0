package io.idempo.spring.health;

import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Health of the idempotency store, shown as {@code idempo} by the actuator's health endpoint: an
 * {@link IdempotencyStoreHealthIndicator} for the application's one {@link JdbcIdempotencyStore},
 * when Spring Boot's health support is on the class path. Off with {@code
 * management.health.idempo.enabled=false}; backs off when the application defines a bean named
 * {@code idempoHealthIndicator} or {@code idempoHealthContributor}.
 */
@AutoConfiguration(afterName = "io.idempo.spring.IdempoAutoConfiguration")
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
public class IdempoHealthAutoConfiguration {

  /** Kept apart so that its health annotations are read only when the health module is present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnEnabledHealthIndicator("idempo")
  @ConditionalOnSingleCandidate(JdbcIdempotencyStore.class)
  static class StoreHealthConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = {"idempoHealthIndicator", "idempoHealthContributor"})
    IdempotencyStoreHealthIndicator idempoHealthIndicator(JdbcIdempotencyStore store) {
      return new IdempotencyStoreHealthIndicator(store);
    }
  }
}
