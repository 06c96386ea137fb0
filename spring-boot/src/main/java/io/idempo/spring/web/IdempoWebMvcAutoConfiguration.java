package io.idempo.spring.web;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Idempotent Spring MVC endpoints (docs/http.md), in a servlet web application with Spring MVC:
 * the check of the header an {@code @IdempotentHandler} controller method reads its key from,
 * before it runs, and
 * {@link IdempotencyProblemAdvice}, which answers Idempo's exceptions as RFC 9457 problem details.
 * Off with {@code idempo.http.enabled=false}; the advice backs off when the application defines
 * its own {@code IdempotencyProblemAdvice} bean.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnBooleanProperty(name = "idempo.http.enabled", matchIfMissing = true)
@EnableConfigurationProperties(IdempoHttpProperties.class)
public class IdempoWebMvcAutoConfiguration {

  /** Problem details for Idempo's exceptions, ordered after the application's own advice. */
  @Bean
  @ConditionalOnMissingBean(IdempotencyProblemAdvice.class)
  IdempotencyProblemAdvice idempotencyProblemAdvice(IdempoHttpProperties properties) {
    return new IdempotencyProblemAdvice(properties.getMaxKeyLength(), properties.getRetryAfter());
  }

  /** Registers the key header check for every handler method. */
  @Bean
  WebMvcConfigurer idempotencyKeyHeaderCheck(IdempoHttpProperties properties) {
    IdempotencyKeyHeaderCheck check = new IdempotencyKeyHeaderCheck(properties.getMaxKeyLength());
    return new WebMvcConfigurer() {
      @Override
      public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(check);
      }
    };
  }
}
