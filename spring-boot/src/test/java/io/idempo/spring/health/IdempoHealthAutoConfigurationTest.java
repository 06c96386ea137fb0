package io.idempo.spring.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.idempo.runtime.jdbc.Dialect;
import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import io.idempo.spring.IdempoAutoConfiguration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The store's health: its table read through its DataSource. */
class IdempoHealthAutoConfigurationTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  DataSourceAutoConfiguration.class,
                  IdempoAutoConfiguration.class,
                  IdempoHealthAutoConfiguration.class))
          .withPropertyValues("idempo.purge.enabled=false");

  @Test
  void upWhenTheTableCanBeRead() {
    runner.run(
        context -> {
          Health health = context.getBean(IdempotencyStoreHealthIndicator.class).health();
          assertThat(health.getStatus()).isEqualTo(Status.UP);
          assertThat(health.getDetails())
              .containsEntry("table", "idempo_claims")
              .containsEntry("database", "H2");
        });
  }

  @Test
  void downNamingTheTableWhenItIsMissing() {
    runner
        .withPropertyValues(
            "idempo.jdbc.initialize-schema=never", "idempo.jdbc.table-name=missing_claims")
        .run(
            context -> {
              Health health = context.getBean(IdempotencyStoreHealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.DOWN);
              assertThat(health.getDetails()).containsEntry("table", "missing_claims");
              assertThat((String) health.getDetails().get("error"))
                  .startsWith("idempotency table missing_claims cannot be read: ")
                  .contains("idempo.jdbc.initialize-schema=always")
                  .contains(Dialect.H2.ddlResource());
            });
  }

  @Test
  void downWhenTheDatabaseCannotBeReached() {
    JdbcIdempotencyStore store =
        JdbcIdempotencyStore.builder(unreachable()).dialect(Dialect.H2).build();

    Health health = new IdempotencyStoreHealthIndicator(store).health();

    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
    assertThat((String) health.getDetails().get("error"))
        .startsWith("cannot connect to the database of idempotency table idempo_claims: Database ");
  }

  @Test
  void theProbeReadsOneRowOfTheStoresTable() {
    JdbcIdempotencyStore store =
        JdbcIdempotencyStore.builder(unreachable())
            .dialect(Dialect.POSTGRESQL)
            .tableName("idempo.claims")
            .build();

    assertThat(IdempotencyStoreHealthIndicator.probe(store))
        .isEqualTo("SELECT 1 FROM idempo.claims FETCH FIRST 1 ROWS ONLY");
  }

  @Test
  void showsAsIdempoInTheHealthRegistry() {
    runner
        .withConfiguration(
            AutoConfigurations.of(
                HealthContributorAutoConfiguration.class,
                HealthContributorRegistryAutoConfiguration.class))
        .run(
            context -> {
              HealthContributorRegistry registry = context.getBean(HealthContributorRegistry.class);
              assertThat(registry.getContributor("idempo"))
                  .isInstanceOf(IdempotencyStoreHealthIndicator.class);
            });
  }

  @Test
  void backsOffForABeanOfTheSameName() {
    HealthIndicator own = () -> Health.up().withDetail("own", true).build();
    runner
        .withBean("idempoHealthIndicator", HealthIndicator.class, () -> own)
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(IdempotencyStoreHealthIndicator.class);
              assertThat(context.getBean("idempoHealthIndicator")).isSameAs(own);
            });
  }

  @Test
  void offWithThePropertyDisabled() {
    runner
        .withPropertyValues("management.health.idempo.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(IdempotencyStoreHealthIndicator.class));
  }

  @Test
  void offWithoutSpringBootHealth() {
    runner
        .withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(JdbcIdempotencyStore.class);
              assertThat(context).doesNotHaveBean("idempoHealthIndicator");
            });
  }

  @Test
  void offWithoutAJdbcStore() {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(IdempoAutoConfiguration.class, IdempoHealthAutoConfiguration.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(IdempotencyStoreHealthIndicator.class);
            });
  }

  /** A DataSource whose database does not exist (H2 creates none with IFEXISTS). */
  private static DataSource unreachable() {
    return new DriverManagerDataSource("jdbc:h2:mem:absent;IFEXISTS=TRUE");
  }
}
