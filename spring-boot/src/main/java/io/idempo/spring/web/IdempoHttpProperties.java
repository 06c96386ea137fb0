package io.idempo.spring.web;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The {@code idempo.http.*} properties: idempotent Spring MVC endpoints (docs/http.md). */
@ConfigurationProperties("idempo.http")
public class IdempoHttpProperties {

  /**
   * Whether idempotent controller methods get the key header check and Idempo's exceptions are
   * answered as RFC 9457 problem details. The check applies to the header each method reads its
   * key from with @RequestHeader, whatever its name.
   */
  private boolean enabled = true;

  /** The longest key header value accepted, in characters (Stripe's limit is 255). */
  private int maxKeyLength = 255;

  /**
   * The Retry-After of a 409 answer to a request whose key is still being processed by an earlier
   * request; rounded up to whole seconds.
   */
  private Duration retryAfter = Duration.ofSeconds(1);

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public int getMaxKeyLength() {
    return maxKeyLength;
  }

  public void setMaxKeyLength(int maxKeyLength) {
    this.maxKeyLength = maxKeyLength;
  }

  public Duration getRetryAfter() {
    return retryAfter;
  }

  public void setRetryAfter(Duration retryAfter) {
    this.retryAfter = retryAfter;
  }
}
