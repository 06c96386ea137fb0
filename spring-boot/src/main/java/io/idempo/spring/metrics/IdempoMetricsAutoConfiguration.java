package io.idempo.spring.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Meters for the idempotency store: when the application has a Micrometer {@link MeterRegistry},
 * a {@link MicrometerIdempotencyListener} bean, which the store auto-configured by {@code
 * IdempoAutoConfiguration} reports to with every other {@code IdempotencyListener} bean. Off with
 * {@code idempo.metrics.enabled=false}; backs off when the application defines its own {@code
 * MicrometerIdempotencyListener}.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"
    })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "idempo.metrics.enabled", matchIfMissing = true)
@EnableConfigurationProperties(IdempoMetricsProperties.class)
public class IdempoMetricsAutoConfiguration {

  /** Counts and times the store's decisions in the application's registry. */
  @Bean
  @ConditionalOnMissingBean(MicrometerIdempotencyListener.class)
  MicrometerIdempotencyListener idempoMetricsListener(MeterRegistry registry) {
    return new MicrometerIdempotencyListener(registry);
  }
}
