package io.idempo.spring.metrics;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The {@code idempo.metrics.*} properties: Micrometer meters of the idempotency store. */
@ConfigurationProperties("idempo.metrics")
public class IdempoMetricsProperties {

  /**
   * Whether the idempotency store's decisions are counted and its claims timed in the
   * application's MeterRegistry (meters idempo.claims, idempo.handler.runs, idempo.claim.duration
   * and idempo.purged).
   */
  private boolean enabled = true;

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }
}
