package io.idempo.spring.beans;

import io.idempo.IdempotentHandler;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;

/** A handler whose constructor picks its dependencies by qualifier and property. */
public class InjectedHandler {
  private final Clock clock;
  private final String prefix;

  public InjectedHandler(@Qualifier("auditClock") Clock clock, @Value("${greeting.prefix}") String prefix) {
    this.clock = clock;
    this.prefix = prefix;
  }

  @IdempotentHandler(key = "greeting.id")
  public String greet(Greeting greeting) {
    return prefix + greeting.text();
  }

  public Clock clock() {
    return clock;
  }
}
