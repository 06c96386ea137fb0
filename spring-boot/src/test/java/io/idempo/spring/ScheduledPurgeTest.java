package io.idempo.spring;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

/** The scheduled purge: runs with the context, deletes expired records, turns off by property. */
class ScheduledPurgeTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withPropertyValues("spring.datasource.generate-unique-name=true")
          .withConfiguration(
              AutoConfigurations.of(
                  DataSourceAutoConfiguration.class,
                  JdbcTemplateAutoConfiguration.class,
                  IdempoAutoConfiguration.class));

  @Test
  void aPurgeDeletesExpiredRecordsAndKeepsLiveOnes() {
    runner.run(
        context -> {
          JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
          OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
          insert(jdbc, "expired", now.minusHours(1));
          insert(jdbc, "live", now.plusDays(1));
          ScheduledPurge purge = context.getBean(ScheduledPurge.class);
          assertThat(purge.isRunning()).isTrue();

          purge.purgeOnce();

          assertThat(jdbc.queryForList("SELECT idempotency_key FROM idempo_claims", String.class))
              .containsExactly("live");
        });
  }

  @Test
  void aFailedPurgeIsLoggedNotThrown() {
    runner.run(
        context -> {
          context.getBean(JdbcTemplate.class).execute("DROP TABLE idempo_claims");
          context.getBean(ScheduledPurge.class).purgeOnce(); // logs a warning; the next run retries
        });
  }

  @Test
  void thePurgeTurnsOffByProperty() {
    runner
        .withPropertyValues("idempo.purge.enabled=false")
        .run(context -> Assertions.assertThat(context).doesNotHaveBean(ScheduledPurge.class));
  }

  @Test
  void aNonPositiveIntervalOrBatchIsRefused() {
    JdbcIdempotencyStore store = null;
    IllegalArgumentException interval =
        assertThrows(IllegalArgumentException.class, () -> new ScheduledPurge(store, Duration.ZERO, 10));
    assertThat(interval).hasMessageThat().contains("idempo.purge.interval must be positive");
    IllegalArgumentException batch =
        assertThrows(
            IllegalArgumentException.class, () -> new ScheduledPurge(store, Duration.ofHours(1), 0));
    assertThat(batch).hasMessageThat().contains("idempo.purge.batch-size must be at least 1");
  }

  private static void insert(JdbcTemplate jdbc, String key, OffsetDateTime expiresAt) {
    jdbc.update(
        "INSERT INTO idempo_claims (handler_name, idempotency_key, status, result, claim_token,"
            + " expires_at, created_at) VALUES ('h', ?, 'COMPLETED', NULL, 't', ?, ?)",
        key,
        expiresAt,
        expiresAt.minusDays(7));
  }
}
