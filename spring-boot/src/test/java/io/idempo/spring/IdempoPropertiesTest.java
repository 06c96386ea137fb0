package io.idempo.spring;

import static com.google.common.truth.Truth.assertThat;

import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import java.nio.file.Path;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The {@code idempo.*} properties: defaults equal to the runtime's, and bad values named. */
class IdempoPropertiesTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withPropertyValues("spring.datasource.generate-unique-name=true")
          .withConfiguration(
              AutoConfigurations.of(
                  DataSourceAutoConfiguration.class, IdempoAutoConfiguration.class));

  @Test
  void defaultsAreTheRuntimes() {
    IdempoProperties.Jdbc jdbc = new IdempoProperties().getJdbc();
    assertThat(jdbc.getTableName()).isEqualTo(JdbcIdempotencyStore.DEFAULT_TABLE_NAME);
    assertThat(jdbc.getLockTimeout()).isEqualTo(JdbcIdempotencyStore.DEFAULT_LOCK_TIMEOUT);
    assertThat(jdbc.getInitializeSchema()).isEqualTo(IdempoProperties.InitializeSchema.EMBEDDED);
  }

  @Test
  void embeddedMeansAnInMemoryDatabaseNotAFileBasedH2(@TempDir Path dir) {
    org.h2.jdbcx.JdbcDataSource memory = new org.h2.jdbcx.JdbcDataSource();
    memory.setURL("jdbc:h2:mem:embedded-rule;DB_CLOSE_DELAY=-1");
    org.h2.jdbcx.JdbcDataSource file = new org.h2.jdbcx.JdbcDataSource();
    file.setURL("jdbc:h2:file:" + dir.resolve("claims").toAbsolutePath());
    assertThat(IdempoProperties.InitializeSchema.EMBEDDED.createsTableOn(memory)).isTrue();
    assertThat(IdempoProperties.InitializeSchema.EMBEDDED.createsTableOn(file)).isFalse();
    assertThat(IdempoProperties.InitializeSchema.ALWAYS.createsTableOn(file)).isTrue();
  }

  @Test
  void anUnsafeTableNameIsRefusedWithThePropertyName() {
    runner
        .withPropertyValues("idempo.jdbc.table-name=claims; DROP TABLE ledger")
        .run(
            context -> {
              Assertions.assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure()))
                  .contains("idempo.jdbc.table-name: ");
            });
  }

  @Test
  void aNonPositiveLockTimeoutIsRefusedWithThePropertyName() {
    runner
        .withPropertyValues("idempo.jdbc.lock-timeout=0s")
        .run(
            context -> {
              Assertions.assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure()))
                  .contains("idempo.jdbc.lock-timeout must be a positive duration, was PT0S");
            });
  }

  @Test
  void anUnknownTransactionManagerIsRefusedWithThePropertyName() {
    runner
        .withPropertyValues("idempo.transaction-manager=nope")
        .run(
            context -> {
              Assertions.assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure()))
                  .contains("idempo.transaction-manager names 'nope', which is no");
            });
  }

  @Test
  void aNegativeInFlightWaitIsRefused() {
    runner
        .withPropertyValues("idempo.in-flight-wait=-1s")
        .run(
            context -> {
              Assertions.assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure()))
                  .contains("idempo.in-flight-wait must not be negative");
            });
  }

  @Test
  void aWaitingInFlightPolicyAndTheMetadataForTheIde() {
    runner
        .withPropertyValues("idempo.in-flight-wait=2s")
        .run(context -> Assertions.assertThat(context).hasNotFailed());
    assertThat(
            IdempoPropertiesTest.class
                .getClassLoader()
                .getResource("META-INF/spring-configuration-metadata.json"))
        .isNotNull();
  }

  /** The messages of {@code failure} and of its causes, one per line. */
  private static String messages(Throwable failure) {
    StringBuilder messages = new StringBuilder();
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      messages.append(cause.getMessage()).append('\n');
    }
    return messages.toString();
  }
}
