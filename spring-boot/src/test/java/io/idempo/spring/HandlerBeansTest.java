package io.idempo.spring;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.IdempotentHandler;
import io.idempo.runtime.IdempotencyStore;
import io.idempo.runtime.IdempotencyStoreException;
import io.idempo.runtime.InMemoryIdempotencyStore;
import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import io.idempo.spring.beans.AsyncGreetingHandler;
import io.idempo.spring.beans.AuditHandler;
import io.idempo.spring.beans.Greeting;
import io.idempo.spring.beans.GreetingBatchHandler;
import io.idempo.spring.beans.GreetingHandler;
import io.idempo.spring.beans.InjectedHandler;
import io.idempo.spring.beans.MailHandler;
import io.idempo.spring.beans.ReceiptHandler;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * How handler beans become their wrappers, and how the starter refuses the ways a handler could
 * end up running without deduplication, each with the fix in the message.
 */
class HandlerBeansTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withPropertyValues("spring.datasource.generate-unique-name=true")
          .withConfiguration(
              AutoConfigurations.of(
                  DataSourceAutoConfiguration.class,
                  DataSourceTransactionManagerAutoConfiguration.class,
                  JdbcTemplateAutoConfiguration.class,
                  TransactionAutoConfiguration.class,
                  IdempoAutoConfiguration.class));

  @Test
  void aHandlerRegisteredByClassIsItsWrapperAndItsListenerAnnotationStillWorks() {
    runner
        .withBean(GreetingHandler.class)
        .run(
            context -> {
              Assertions.assertThat(context).hasNotFailed();
              GreetingHandler handler = context.getBean(GreetingHandler.class);
              assertThat(AopUtils.getTargetClass(handler).getSimpleName())
                  .isEqualTo("IdempotentGreetingHandler");
              context.publishEvent(new Greeting("g-1", "hello"));
              context.publishEvent(new Greeting("g-1", "hello again"));
              context.publishEvent(new Greeting("g-2", "hi"));
              // @EventListener found on the overridden method: one invocation per event, deduplicated.
              assertThat(handler.received()).containsExactly("hello", "hi").inOrder();
            });
  }

  @Test
  void theStoreJoinsTheApplicationsTransactionManagerAndCreatesItsTableOnAnEmbeddedDatabase() {
    runner.run(
        context -> {
          JdbcIdempotencyStore store = context.getBean(JdbcIdempotencyStore.class);
          assertThat(store.tableName()).isEqualTo("idempo_claims");
          Integer rows =
              context
                  .getBean(JdbcTemplate.class)
                  .queryForObject("SELECT COUNT(*) FROM idempo_claims", Integer.class);
          assertThat(rows).isEqualTo(0);
        });
  }

  @Test
  void initializeSchemaNeverLeavesTheTableToMigrations() {
    runner
        .withPropertyValues("idempo.jdbc.initialize-schema=never")
        .run(
            context -> {
              Integer tables =
                  context
                      .getBean(JdbcTemplate.class)
                      .queryForObject(
                          "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES"
                              + " WHERE TABLE_NAME = 'IDEMPO_CLAIMS'",
                          Integer.class);
              assertThat(tables).isEqualTo(0);
            });
  }

  @Test
  void withoutItsTableTheFirstClaimNamesTheTableAndTheFix() {
    runner
        .withPropertyValues("idempo.jdbc.initialize-schema=never")
        .withBean(GreetingHandler.class)
        .run(
            context -> {
              IdempotencyStoreException thrown =
                  assertThrows(
                      IdempotencyStoreException.class,
                      () -> context.publishEvent(new Greeting("g-1", "hello")));
              assertThat(thrown).hasMessageThat().contains("failed in idempo_claims");
              assertThat(thrown).hasMessageThat().contains("The table does not exist");
              assertThat(context.getBean(GreetingHandler.class).received()).isEmpty();
            });
  }

  @Test
  void aCustomTableNameIsUsed() {
    runner
        .withPropertyValues("idempo.jdbc.table-name=payments_dedup")
        .withBean(GreetingHandler.class)
        .run(
            context -> {
              context.publishEvent(new Greeting("g-1", "hello"));
              Integer rows =
                  context
                      .getBean(JdbcTemplate.class)
                      .queryForObject("SELECT COUNT(*) FROM payments_dedup", Integer.class);
              assertThat(rows).isEqualTo(1);
            });
  }

  @Test
  void anApplicationsOwnStoreReplacesTheStartersAndIsInjectedIntoWrappers() {
    InMemoryIdempotencyStore own = new InMemoryIdempotencyStore();
    runner
        .withBean(IdempotencyStore.class, () -> own)
        .withBean(GreetingHandler.class)
        .run(
            context -> {
              Assertions.assertThat(context).doesNotHaveBean(JdbcIdempotencyStore.class);
              context.publishEvent(new Greeting("g-1", "hello"));
              context.publishEvent(new Greeting("g-1", "hello"));
              assertThat(context.getBean(GreetingHandler.class).received()).hasSize(1);
            });
  }

  @Test
  void aBatchHandlerBeanIsItsWrapperAndReceivesOnlyTheNewMessagesOfABatch() {
    runner
        .withBean(IdempotencyStore.class, InMemoryIdempotencyStore::new)
        .withBean(GreetingBatchHandler.class)
        .run(
            context -> {
              Assertions.assertThat(context).hasNotFailed();
              GreetingBatchHandler handler = context.getBean(GreetingBatchHandler.class);
              assertThat(AopUtils.getTargetClass(handler).getSimpleName())
                  .isEqualTo("IdempotentGreetingBatchHandler");
              Greeting hello = new Greeting("g-1", "hello");
              Greeting hi = new Greeting("g-2", "hi");

              handler.greet(List.of(hello, hi, hello));
              handler.greet(List.of(hi, new Greeting("g-3", "hey"), hello));
              handler.greet(List.of(hello, hi));

              assertThat(handler.batches())
                  .containsExactly(List.of("hello", "hi"), List.of("hey"))
                  .inOrder();
            });
  }

  @Test
  void useIdempotencyStoreChoosesTheStoreOfAHandler() {
    InMemoryIdempotencyStore audit = new InMemoryIdempotencyStore();
    runner
        .withUserConfiguration(AuditStoreConfiguration.class)
        .withBean("auditStore", IdempotencyStore.class, () -> audit)
        .withBean(AuditHandler.class)
        .run(
            context -> {
              Assertions.assertThat(context).hasNotFailed();
              AuditHandler handler = context.getBean(AuditHandler.class);
              handler.audit(new Greeting("g-1", "x"));
              handler.audit(new Greeting("g-1", "x"));
              assertThat(handler.runs()).isEqualTo(1);
              // The claim went to the named store, not the primary one.
              assertThat(audit.claim(AuditHandlerDescriptor.HANDLER, "g-1").isDuplicate()).isTrue();
            });
  }

  @Test
  void aLeaseModeHandlerClaimsOutsideTheTransactionAndReleasesOnFailure() {
    runner
        .withBean(MailHandler.class)
        .run(
            context -> {
              MailHandler mail = context.getBean(MailHandler.class);
              mail.failNext();
              assertThrows(IllegalStateException.class, () -> mail.send(new Greeting("g-1", "a")));
              mail.send(new Greeting("g-1", "a"));
              mail.send(new Greeting("g-1", "a"));
              assertThat(mail.sent()).containsExactly("a");
            });
  }

  @Test
  void severalTransactionManagersWithoutAPrimaryOneAskForTheProperty() {
    runner
        .withUserConfiguration(TwoTransactionManagers.class)
        .run(
            context -> {
              Assertions.assertThat(context).hasFailed();
              assertThat(rootMessage(context.getStartupFailure()))
                  .contains("set idempo.transaction-manager");
            });
  }

  @Test
  void idempoTransactionManagerNamesTheOneToJoin() {
    runner
        .withUserConfiguration(TwoTransactionManagers.class)
        .withPropertyValues("idempo.transaction-manager=second")
        .withBean(GreetingHandler.class)
        .run(
            context -> {
              Assertions.assertThat(context).hasNotFailed();
              context.publishEvent(new Greeting("g-1", "hello"));
              assertThat(context.getBean(GreetingHandler.class).received()).hasSize(1);
            });
  }

  @Test
  void aHandlerWithoutAGeneratedWrapperFailsTheStartupWithTheBuildFix() {
    // javac shows local classes to no annotation processor, so this one has no wrapper.
    class LocalHandler {
      final java.util.List<String> received = new java.util.ArrayList<>();

      @IdempotentHandler(key = "greeting.id")
      void on(Greeting greeting) {
        received.add(greeting.text());
      }
    }
    LocalHandler bare = new LocalHandler();
    bare.on(new Greeting("g-1", "runs every time, without a wrapper"));
    assertThat(bare.received).hasSize(1);
    runner
        .withBean("local", LocalHandler.class)
        .run(
            context -> {
              Assertions.assertThat(context).hasFailed();
              String message = rootMessage(context.getStartupFailure());
              assertThat(message).contains("bean 'local' has @IdempotentHandler methods");
              assertThat(message).contains("io.idempo.spring.IdempotentHandlerBeansTest_LocalHandler is not on the class path");
              assertThat(message).contains("io.idempo:idempo-processor");
              assertThat(message).contains("annotationProcessorPaths");
            });
  }

  @Test
  void aBeanMethodThatCreatesTheBareHandlerFailsTheStartupWithTheFix() {
    runner
        .withUserConfiguration(BareHandlerConfiguration.class)
        .run(
            context -> {
              Assertions.assertThat(context).hasFailed();
              String message = rootMessage(context.getStartupFailure());
              assertThat(message)
                  .contains("is a io.idempo.spring.beans.GreetingHandler with @IdempotentHandler methods, but not its generated wrapper");
              assertThat(message).contains("new IdempotentGreetingHandler(store, ...)");
            });
  }

  @Test
  void aBeanMethodThatCreatesTheWrapperIsAccepted() {
    runner
        .withUserConfiguration(WrapperConfiguration.class)
        .run(
            context -> {
              Assertions.assertThat(context).hasNotFailed();
              context.publishEvent(new Greeting("g-1", "hello"));
              context.publishEvent(new Greeting("g-1", "hello"));
              assertThat(context.getBean(GreetingHandler.class).received()).hasSize(1);
            });
  }

  @Test
  void anAsyncHandlerRunsOnTheExecutorOncePerKey() {
    runner
        .withUserConfiguration(AsyncConfiguration.class)
        .withBean(AsyncGreetingHandler.class)
        .run(
            context -> {
              AsyncGreetingHandler handler = context.getBean(AsyncGreetingHandler.class);
              assertThat(AopUtils.getTargetClass(handler).getSimpleName())
                  .isEqualTo("IdempotentAsyncGreetingHandler");
              handler.on(new Greeting("g-1", "a"));
              handler.on(new Greeting("g-1", "a"));
              // One executor thread runs tasks in order: once this one ran, both deliveries did.
              ThreadPoolTaskExecutor executor = context.getBean(ThreadPoolTaskExecutor.class);
              executor.submit(() -> {}).get(10, TimeUnit.SECONDS);
              assertThat(handler.threads()).containsExactly("idempo-async-1");
            });
  }

  @Test
  void aTransactionManagerOfAnotherDataSourceIsRefusedAtTheFirstClaim() {
    runner
        .withUserConfiguration(ForeignTransactionManager.class)
        .withBean(GreetingHandler.class)
        .run(
            context -> {
              Assertions.assertThat(context).hasNotFailed();
              IdempotencyStoreException thrown =
                  assertThrows(
                      IdempotencyStoreException.class,
                      () -> context.publishEvent(new Greeting("g-1", "hello")));
              assertThat(thrown)
                  .hasMessageThat()
                  .contains("does not manage the idempotency store's DataSource");
              assertThat(context.getBean(GreetingHandler.class).received()).isEmpty();
            });
  }

  @Test
  void constructorQualifiersAndValuesReachTheHandlerThroughItsWrapper() {
    runner
        .withUserConfiguration(TwoClocks.class)
        .withPropertyValues("greeting.prefix=Dear-")
        .withBean(InjectedHandler.class)
        .run(
            context -> {
              Assertions.assertThat(context).hasNotFailed();
              InjectedHandler handler = context.getBean(InjectedHandler.class);
              // The primary clock would be injected if the wrapper dropped @Qualifier.
              assertThat(handler.clock()).isSameInstanceAs(context.getBean("auditClock"));
              assertThat(handler.greet(new Greeting("g-1", "Ada"))).isEqualTo("Dear-Ada");
              assertThat(handler.greet(new Greeting("g-1", "Bob"))).isEqualTo("Dear-Ada");
            });
  }

  @Test
  void aRecordResultIsReplayedAsJsonWithNoCodecToWrite() {
    runner
        .withBean(ReceiptHandler.class)
        .run(
            context -> {
              ReceiptHandler handler = context.getBean(ReceiptHandler.class);
              ReceiptHandler.Receipt first = handler.receipt(new Greeting("g-1", "x"));
              ReceiptHandler.Receipt again = handler.receipt(new Greeting("g-1", "x"));
              assertThat(first).isEqualTo(new ReceiptHandler.Receipt("g-1", 1));
              assertThat(again).isEqualTo(first);
              assertThat(again).isNotSameInstanceAs(first); // decoded from the stored JSON
            });
  }

  private static String rootMessage(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage();
  }

  /** The descriptor AuditHandler's wrapper claims with: its default name and key path. */
  static final class AuditHandlerDescriptor {
    static final io.idempo.runtime.HandlerDescriptor HANDLER =
        io.idempo.runtime.HandlerDescriptor.builder("io.idempo.spring.beans.AuditHandler#audit")
            .keyPath("greeting.id")
            .build();

    private AuditHandlerDescriptor() {}
  }

  @Configuration(proxyBeanMethods = false)
  @EnableAsync
  static class AsyncConfiguration {
    @Bean
    ThreadPoolTaskExecutor taskExecutor() {
      ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
      executor.setCorePoolSize(1);
      executor.setMaxPoolSize(1);
      executor.setThreadNamePrefix("idempo-async-");
      return executor;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class TwoClocks {
    @Bean
    @Primary
    java.time.Clock ledgerClock() {
      return java.time.Clock.systemUTC();
    }

    @Bean
    java.time.Clock auditClock() {
      return java.time.Clock.system(java.time.ZoneOffset.ofHours(5));
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class ForeignTransactionManager {
    @Bean
    PlatformTransactionManager foreign() {
      return new DataSourceTransactionManager(
          new DriverManagerDataSource("jdbc:h2:mem:foreign;DB_CLOSE_DELAY=-1"));
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class AuditStoreConfiguration {
    @Bean
    @Primary
    IdempotencyStore primaryStore() {
      return new InMemoryIdempotencyStore();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class TwoTransactionManagers {
    @Bean
    PlatformTransactionManager first(DataSource dataSource) {
      return new DataSourceTransactionManager(dataSource);
    }

    @Bean
    PlatformTransactionManager second(DataSource dataSource) {
      return new DataSourceTransactionManager(dataSource);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class BareHandlerConfiguration {
    @Bean
    GreetingHandler greetingHandler() {
      return new GreetingHandler();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class WrapperConfiguration {
    @Bean
    GreetingHandler greetingHandler(IdempotencyStore store) {
      return new io.idempo.spring.beans.IdempotentGreetingHandler(store);
    }
  }
}
