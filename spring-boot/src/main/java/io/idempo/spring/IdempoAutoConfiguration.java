package io.idempo.spring;

import io.idempo.runtime.IdempotencyListener;
import io.idempo.runtime.IdempotencyStore;
import io.idempo.runtime.InFlightPolicy;
import io.idempo.runtime.jdbc.ClaimTransactions;
import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import java.util.Arrays;
import javax.sql.DataSource;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Idempo for Spring Boot: handler beans become their generated wrappers, and a {@link
 * JdbcIdempotencyStore} over the application's {@link DataSource} claims keys in the application's
 * own Spring transactions. Every bean backs off when the application defines its own.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
      "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
      "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
      "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration"
    })
@EnableConfigurationProperties(IdempoProperties.class)
public class IdempoAutoConfiguration {

  /** Makes handler beans defined by class instances of their wrappers. */
  @Bean
  static WrapperSubstitution idempoWrapperSubstitution() {
    return new WrapperSubstitution();
  }

  /** Refuses handler beans that are not wrappers (a {@code @Bean} method's {@code new Handler()}). */
  @Bean
  static UnwrappedHandlerCheck idempoUnwrappedHandlerCheck() {
    return new UnwrappedHandlerCheck();
  }

  /** The JDBC store over the application's one DataSource, in its Spring transactions. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(DataSourceUtils.class)
  @ConditionalOnSingleCandidate(DataSource.class)
  static class JdbcStoreConfiguration {

    @Bean
    @ConditionalOnMissingBean(IdempotencyStore.class)
    JdbcIdempotencyStore idempotencyStore(
        DataSource dataSource,
        IdempoProperties properties,
        ListableBeanFactory beanFactory,
        ObjectProvider<IdempotencyListener> listeners) {
      IdempoProperties.Jdbc jdbc = properties.getJdbc();
      JdbcIdempotencyStore.Builder builder = JdbcIdempotencyStore.builder(dataSource);
      try {
        builder.tableName(jdbc.getTableName());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("idempo.jdbc.table-name: " + e.getMessage(), e);
      }
      try {
        builder.lockTimeout(jdbc.getLockTimeout());
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException(
            "idempo.jdbc.lock-timeout must be a positive duration, was " + jdbc.getLockTimeout(),
            e);
      }
      JdbcIdempotencyStore store =
          builder
              .inFlightPolicy(inFlightPolicy(properties))
              .transactions(claimTransactions(properties, beanFactory))
              .listener(ListenerFanOut.of(listeners.orderedStream().toList()))
              .build();
      if (jdbc.getInitializeSchema().createsTableOn(dataSource)) {
        store.createTableIfMissing();
      }
      return store;
    }

    @Bean
    @ConditionalOnBean(JdbcIdempotencyStore.class)
    @ConditionalOnProperty(name = "idempo.purge.enabled", matchIfMissing = true)
    @ConditionalOnMissingBean(ScheduledPurge.class)
    ScheduledPurge idempoScheduledPurge(JdbcIdempotencyStore store, IdempoProperties properties) {
      IdempoProperties.Purge purge = properties.getPurge();
      return new ScheduledPurge(store, purge.getInterval(), purge.getBatchSize());
    }

    private static InFlightPolicy inFlightPolicy(IdempoProperties properties) {
      var wait = properties.getInFlightWait();
      if (wait == null || wait.isZero()) {
        return InFlightPolicy.fail();
      }
      if (wait.isNegative()) {
        throw new IllegalArgumentException(
            "idempo.in-flight-wait must not be negative, was " + wait);
      }
      return InFlightPolicy.waitUpTo(wait);
    }

    /**
     * The transactions claims join: those of the named, the only or the primary {@link
     * PlatformTransactionManager}; a claim of its own where the application has none.
     */
    private static ClaimTransactions claimTransactions(
        IdempoProperties properties, ListableBeanFactory beanFactory) {
      String named = properties.getTransactionManager();
      if (named != null && !named.isBlank()) {
        try {
          return new SpringClaimTransactions(
              beanFactory.getBean(named, PlatformTransactionManager.class));
        } catch (BeansException e) {
          throw new IllegalStateException(
              "idempo.transaction-manager names '"
                  + named
                  + "', which is no PlatformTransactionManager bean of the application ("
                  + Arrays.toString(beanFactory.getBeanNamesForType(PlatformTransactionManager.class))
                  + " are): "
                  + e.getMessage(),
              e);
        }
      }
      String[] names = beanFactory.getBeanNamesForType(PlatformTransactionManager.class);
      if (names.length == 0) {
        return ClaimTransactions.LOCAL;
      }
      PlatformTransactionManager unique =
          beanFactory.getBeanProvider(PlatformTransactionManager.class).getIfUnique();
      if (unique == null) {
        throw new IllegalStateException(
            "the application has several PlatformTransactionManager beans "
                + Arrays.toString(names)
                + " and none is @Primary; set idempo.transaction-manager to the one that manages"
                + " the DataSource of the idempotency store");
      }
      return new SpringClaimTransactions(unique);
    }
  }
}
