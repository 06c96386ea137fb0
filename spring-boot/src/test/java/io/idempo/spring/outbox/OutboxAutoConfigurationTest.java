package io.idempo.spring.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.idempo.runtime.IdempotencyStore;
import io.idempo.runtime.InMemoryIdempotencyStore;
import io.idempo.runtime.outbox.InMemoryMessagePublisher;
import io.idempo.runtime.outbox.JdbcOutbox;
import io.idempo.runtime.outbox.MessagePublisher;
import io.idempo.runtime.outbox.Outbox;
import io.idempo.runtime.outbox.OutboxMessage;
import io.idempo.spring.IdempoAutoConfiguration;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The outbox beans on an embedded H2: which exist under which properties, that a message written
 * in a handler or a Spring transaction commits and rolls back with it, and the relay's lifecycle.
 */
class OutboxAutoConfigurationTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  DataSourceAutoConfiguration.class,
                  DataSourceTransactionManagerAutoConfiguration.class,
                  TransactionAutoConfiguration.class,
                  JdbcTemplateAutoConfiguration.class,
                  IdempoAutoConfiguration.class,
                  OutboxAutoConfiguration.class))
          .withPropertyValues("idempo.purge.enabled=false");

  @Test
  void outboxOverTheApplicationsDataSourceAndNoRelayByDefault() {
    runner.run(
        context -> {
          assertThat(context).hasSingleBean(JdbcOutbox.class);
          assertThat(context).doesNotHaveBean(OutboxRelayLifecycle.class);
          assertThat(context).doesNotHaveBean(MessagePublisher.class);
          // Embedded database: the table exists.
          assertThat(context.getBean(JdbcOutbox.class).countUnsent()).isZero();
        });
  }

  @Test
  void noOutboxWhenDisabled() {
    runner
        .withPropertyValues("idempo.outbox.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(Outbox.class));
  }

  @Test
  void noOutboxWhenTheApplicationReplacedTheJdbcStore() {
    runner
        .withBean(IdempotencyStore.class, InMemoryIdempotencyStore::new)
        .run(context -> assertThat(context).doesNotHaveBean(Outbox.class));
  }

  @Test
  void backsOffForTheApplicationsOwnOutbox() {
    Outbox own = message -> UUID.randomUUID();
    runner
        .withBean(Outbox.class, () -> own)
        .run(context -> assertThat(context.getBean(Outbox.class)).isSameAs(own));
  }

  @Test
  void sendJoinsTheSpringTransactionAndRollsBackWithIt() {
    runner.run(
        context -> {
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
  void sendOutsideATransactionIsRefused() {
    runner.run(
        context ->
            assertThatThrownBy(() -> context.getBean(JdbcOutbox.class).send(message("alone")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("auto-commit"));
  }

  @Test
  void handlersOutboxRowRollsBackWhenTheHandlerThrows() {
    runner
        .withUserConfiguration(CaptureConfiguration.class)
        .run(
            context -> {
              CaptureHandler handler = context.getBean(CaptureHandler.class);
              JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
              JdbcOutbox outbox = context.getBean(JdbcOutbox.class);
              assertThat(handler.getClass().getSimpleName()).isEqualTo("IdempotentCaptureHandler");

              assertThatThrownBy(() -> handler.capture(new CaptureHandler.Capture("p-1", true)))
                  .isInstanceOf(IllegalStateException.class);
              assertThat(count(jdbc, "capture")).isZero();
              assertThat(outbox.countUnsent()).isZero();

              UUID first = handler.capture(new CaptureHandler.Capture("p-1", false));
              UUID replayed = handler.capture(new CaptureHandler.Capture("p-1", false));
              assertThat(replayed).isEqualTo(first);
              assertThat(count(jdbc, "capture")).isEqualTo(1);
              assertThat(outbox.countUnsent()).isEqualTo(1);
            });
  }

  @Test
  void relayStartsWithTheContextPublishesAndStopsWithIt() {
    InMemoryMessagePublisher publisher = new InMemoryMessagePublisher();
    runner
        .withBean(MessagePublisher.class, () -> publisher)
        .withPropertyValues(
            "idempo.outbox.relay.enabled=true", "idempo.outbox.relay.poll-interval=50ms")
        .run(
            context -> {
              OutboxRelayLifecycle relay = context.getBean(OutboxRelayLifecycle.class);
              assertThat(relay.isRunning()).isTrue();
              UUID id =
                  context
                      .getBean(TransactionTemplate.class)
                      .execute(status -> context.getBean(JdbcOutbox.class).send(message("relayed")));
              await()
                  .atMost(Duration.ofSeconds(10))
                  .until(() -> publisher.publishedIds().equals(List.of(id)));
              context.stop();
              assertThat(relay.isRunning()).isFalse();
              context.start();
              assertThat(relay.isRunning()).isTrue();
            });
  }

  @Test
  void relayWithoutAPublisherFailsTheStartupWithTheFix() {
    runner
        .withPropertyValues("idempo.outbox.relay.enabled=true")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("no MessagePublisher bean")
                    .hasMessageContaining("spring-kafka"));
  }

  @Test
  void relaySettingsAreValidatedAtStartup() {
    runner
        .withBean(MessagePublisher.class, InMemoryMessagePublisher::new)
        .withPropertyValues(
            "idempo.outbox.relay.enabled=true",
            "idempo.outbox.relay.initial-backoff=10s",
            "idempo.outbox.relay.max-backoff=1s")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("maxBackoff"));
  }

  private static OutboxMessage message(String key) {
    return OutboxMessage.of("topic", key, key.getBytes(StandardCharsets.UTF_8));
  }

  private static long count(JdbcTemplate jdbc, String table) {
    Long count = jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Long.class);
    return count == null ? 0 : count;
  }

  @Configuration(proxyBeanMethods = false)
  @Import(CaptureHandler.class)
  static class CaptureConfiguration {
    @Bean
    CaptureTable captureTable(JdbcTemplate jdbc) {
      jdbc.execute("CREATE TABLE capture (payment_id VARCHAR(64) NOT NULL)");
      return new CaptureTable();
    }
  }

  /** Marks that the capture table was created. */
  static final class CaptureTable {}
}
