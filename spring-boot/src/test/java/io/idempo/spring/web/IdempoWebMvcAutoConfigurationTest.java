package io.idempo.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/** When the starter's Spring MVC support is there, and when it backs off. */
class IdempoWebMvcAutoConfigurationTest {

  private final WebApplicationContextRunner web =
      new WebApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(IdempoWebMvcAutoConfiguration.class));

  @Test
  void aServletWebApplicationGetsTheProblemDetailsAdvice() {
    web.run(context -> assertThat(context).hasSingleBean(IdempotencyProblemAdvice.class));
  }

  @Test
  void offWithTheProperty() {
    web.withPropertyValues("idempo.http.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(IdempotencyProblemAdvice.class));
  }

  @Test
  void notInAnApplicationThatIsNotAWebApplication() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(IdempoWebMvcAutoConfiguration.class))
        .run(context -> assertThat(context).doesNotHaveBean(IdempotencyProblemAdvice.class));
  }

  @Test
  void backsOffForTheApplicationsOwnAdviceBean() {
    IdempotencyProblemAdvice own =
        new IdempotencyProblemAdvice(64, Duration.ofSeconds(5));
    web.withBean(IdempotencyProblemAdvice.class, () -> own)
        .run(context -> assertThat(context.getBean(IdempotencyProblemAdvice.class)).isSameAs(own));
  }

  @Test
  void aBadKeyLengthFailsTheStartupNamingTheProperty() {
    web.withPropertyValues("idempo.http.max-key-length=0")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("idempo.http.max-key-length must be at least 1, was 0"));
  }
}
