package io.idempo.spring.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idempo.runtime.outbox.JdbcOutbox;
import io.idempo.runtime.outbox.OutboxMessage;
import io.idempo.spring.IdempoAutoConfiguration;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * With JPA, the application's transaction manager is a {@link JpaTransactionManager}: outbox
 * messages join its transactions through the JDBC connection it exposes, and an idempotent
 * handler's outbox row rolls back with the claim when the handler throws.
 */
class OutboxJpaTransactionTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  DataSourceAutoConfiguration.class,
                  HibernateJpaAutoConfiguration.class,
                  TransactionAutoConfiguration.class,
                  JdbcTemplateAutoConfiguration.class,
                  IdempoAutoConfiguration.class,
                  OutboxAutoConfiguration.class))
          .withPropertyValues("idempo.purge.enabled=false");

  @Test
  void sendJoinsTheJpaTransaction() {
    runner.run(
        context -> {
          assertThat(context.getBean(PlatformTransactionManager.class))
              .isInstanceOf(JpaTransactionManager.class);
          JdbcOutbox outbox = context.getBean(JdbcOutbox.class);
          TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
          transactions.executeWithoutResult(
              status -> {
                outbox.send(message("rolled-back"));
                status.setRollbackOnly();
              });
          assertThat(outbox.countUnsent()).isZero();
          transactions.executeWithoutResult(status -> outbox.send(message("committed")));
          assertThat(outbox.countUnsent()).isEqualTo(1);
        });
  }

  @Test
  void handlersOutboxRowRollsBackWithTheJpaTransaction() {
    runner
        .withUserConfiguration(OutboxAutoConfigurationTest.CaptureConfiguration.class)
        .run(
            context -> {
              CaptureHandler handler = context.getBean(CaptureHandler.class);
              JdbcOutbox outbox = context.getBean(JdbcOutbox.class);
              JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);

              assertThatThrownBy(() -> handler.capture(new CaptureHandler.Capture("p-9", true)))
                  .isInstanceOf(IllegalStateException.class);
              assertThat(outbox.countUnsent()).isZero();
              assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM capture", Long.class))
                  .isZero();

              handler.capture(new CaptureHandler.Capture("p-9", false));
              handler.capture(new CaptureHandler.Capture("p-9", false));
              assertThat(outbox.countUnsent()).isEqualTo(1);
              assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM capture", Long.class))
                  .isEqualTo(1);
            });
  }

  private static OutboxMessage message(String key) {
    return OutboxMessage.of("topic", key, key.getBytes(StandardCharsets.UTF_8));
  }
}
