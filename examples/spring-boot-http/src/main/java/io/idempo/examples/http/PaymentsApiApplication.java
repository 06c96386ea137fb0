package io.idempo.examples.http;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The payments API: {@code POST /payments} is idempotent per {@code Idempotency-Key}, as Stripe's
 * API is. With no {@code spring.datasource.url} Spring Boot gives it an in-memory H2, so it runs
 * with nothing installed; {@code --spring.datasource.url=jdbc:postgresql://...} moves it to
 * PostgreSQL.
 */
@SpringBootApplication
public class PaymentsApiApplication {

  public static void main(String[] args) {
    SpringApplication.run(PaymentsApiApplication.class, args);
  }
}
