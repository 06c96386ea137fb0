package io.idempo.spring.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idempo.runtime.HandlerDescriptor;
import io.idempo.runtime.IdempotencyListener;
import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import io.idempo.spring.IdempoAutoConfiguration;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

/** The meters of the store's decisions, as deliveries go through a generated wrapper. */
class IdempoMetricsAutoConfigurationTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  DataSourceAutoConfiguration.class,
                  DataSourceTransactionManagerAutoConfiguration.class,
                  IdempoAutoConfiguration.class,
                  IdempoMetricsAutoConfiguration.class))
          .withPropertyValues("idempo.purge.enabled=false")
          .withUserConfiguration(GreetingHandler.class);

  private final ApplicationContextRunner withRegistry =
      runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new);

  @Test
  void countsEachDecisionOfEachDelivery() {
    withRegistry.run(
        context -> {
          assertThat(context).hasSingleBean(MicrometerIdempotencyListener.class);
          GreetingHandler handler = context.getBean(GreetingHandler.class);
          MeterRegistry registry = context.getBean(MeterRegistry.class);

          assertThat(handler.greet(new GreetingHandler.Greeting("g-1", false)))
              .isEqualTo("hello g-1");
          assertThat(claims(registry, "claimed")).isEqualTo(1);
          assertThat(runs(registry, "completed")).isEqualTo(1);

          assertThat(handler.greet(new GreetingHandler.Greeting("g-1", false)))
              .isEqualTo("hello g-1");
          assertThat(claims(registry, "duplicate")).isEqualTo(1);
          assertThat(claims(registry, "claimed")).isEqualTo(1);
          assertThat(runs(registry, "completed")).isEqualTo(1);

          assertThatThrownBy(() -> handler.greet(new GreetingHandler.Greeting("g-2", true)))
              .hasMessage("greeting g-2 failed");
          assertThat(claims(registry, "claimed")).isEqualTo(2);
          assertThat(runs(registry, "released")).isEqualTo(1);
          assertThat(runs(registry, "completed")).isEqualTo(1);

          assertThat(claims(registry, "expired")).isZero();
          assertThat(claims(registry, "in_progress")).isZero();
          assertThat(handler.runs.get()).isEqualTo(2);

          Timer timer =
              registry
                  .get(MicrometerIdempotencyListener.CLAIM_DURATION)
                  .tag(MicrometerIdempotencyListener.HANDLER_TAG, GreetingHandler.NAME)
                  .timer();
          assertThat(timer.count()).isEqualTo(3);
          assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).isPositive();
          assertThat(timer.getId().getDescription()).contains("decision");
        });
  }

  @Test
  void countsKeysReusedWithAnotherPayload() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerIdempotencyListener listener = new MicrometerIdempotencyListener(registry);
    HandlerDescriptor payments = HandlerDescriptor.builder(GreetingHandler.NAME).build();
    listener.keyReused(payments, "k-1");
    listener.keyReused(payments, "k-1");
    assertThat(claims(registry, "key_reused")).isEqualTo(2);
    assertThat(claims(registry, "duplicate")).isZero();
  }

  @Test
  void countsPurgedRecords() {
    withRegistry.run(
        context -> {
          JdbcIdempotencyStore store = context.getBean(JdbcIdempotencyStore.class);
          OffsetDateTime past = OffsetDateTime.now(ZoneOffset.UTC).minusDays(1);
          JdbcTemplate jdbc = new JdbcTemplate(store.dataSource());
          for (String key : List.of("a", "b", "c")) {
            jdbc.update(
                "INSERT INTO idempo_claims (handler_name, idempotency_key, status, claim_token,"
                    + " expires_at, created_at) VALUES (?, ?, 'COMPLETED', ?, ?, ?)",
                "purged#handler",
                key,
                "token-" + key,
                past,
                past);
          }

          assertThat(store.purgeExpired(100)).isEqualTo(3);

          MeterRegistry registry = context.getBean(MeterRegistry.class);
          assertThat(registry.get(MicrometerIdempotencyListener.PURGED).counter().count())
              .isEqualTo(3);
        });
  }

  @Test
  void everyOtherListenerBeanStillHearsEveryEvent() {
    RecordingListener recording = new RecordingListener();
    withRegistry
        .withBean(RecordingListener.class, () -> recording)
        .run(
            context -> {
              context.getBean(GreetingHandler.class).greet(new GreetingHandler.Greeting("g", false));

              assertThat(recording.events).containsExactly("claimed", "timed", "completed");
              assertThat(claims(context.getBean(MeterRegistry.class), "claimed")).isEqualTo(1);
            });
  }

  @Test
  void usesTheRegistryOfBootsMetricsAutoConfiguration() {
    runner
        .withConfiguration(
            AutoConfigurations.of(
                MetricsAutoConfiguration.class,
                CompositeMeterRegistryAutoConfiguration.class,
                SimpleMetricsExportAutoConfiguration.class))
        .run(
            context -> {
              assertThat(context).hasSingleBean(MicrometerIdempotencyListener.class);
              context.getBean(GreetingHandler.class).greet(new GreetingHandler.Greeting("g", false));
              assertThat(claims(context.getBean(MeterRegistry.class), "claimed")).isEqualTo(1);
            });
  }

  @Test
  void backsOffWhenTheApplicationDefinesItsOwn() {
    MeterRegistry own = new SimpleMeterRegistry();
    withRegistry
        .withBean(
            "ownMetrics",
            MicrometerIdempotencyListener.class,
            () -> new MicrometerIdempotencyListener(own))
        .run(
            context -> {
              assertThat(context).hasSingleBean(MicrometerIdempotencyListener.class);
              assertThat(context).hasBean("ownMetrics");
              context.getBean(GreetingHandler.class).greet(new GreetingHandler.Greeting("g", false));
              assertThat(claims(own, "claimed")).isEqualTo(1);
              assertThat(context.getBean(MeterRegistry.class).find(MicrometerIdempotencyListener.CLAIMS).meters())
                  .isEmpty();
            });
  }

  @Test
  void offWithThePropertyDisabled() {
    withRegistry
        .withPropertyValues("idempo.metrics.enabled=false")
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(MicrometerIdempotencyListener.class);
              assertThat(context).hasSingleBean(GreetingHandler.class);
            });
  }

  @Test
  void offWithoutAMeterRegistry() {
    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).doesNotHaveBean(MicrometerIdempotencyListener.class);
        });
  }

  @Test
  void offWithoutMicrometer() {
    runner
        .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(MicrometerIdempotencyListener.class);
              assertThat(context.getBean(GreetingHandler.class).greet(
                      new GreetingHandler.Greeting("g", false)))
                  .isEqualTo("hello g");
            });
  }

  private static double claims(MeterRegistry registry, String outcome) {
    return counter(registry, MicrometerIdempotencyListener.CLAIMS, outcome);
  }

  private static double runs(MeterRegistry registry, String outcome) {
    return counter(registry, MicrometerIdempotencyListener.RUNS, outcome);
  }

  private static double counter(MeterRegistry registry, String name, String outcome) {
    Counter counter =
        registry
            .get(name)
            .tag(MicrometerIdempotencyListener.HANDLER_TAG, GreetingHandler.NAME)
            .tag(MicrometerIdempotencyListener.OUTCOME_TAG, outcome)
            .counter();
    return counter.count();
  }

  /** Another listener of the application, next to the meters. */
  static final class RecordingListener implements IdempotencyListener {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void claimed(HandlerDescriptor handler, String key) {
      events.add("claimed");
    }

    @Override
    public void claimTimed(HandlerDescriptor handler, String key, Duration duration) {
      events.add("timed");
    }

    @Override
    public void completed(HandlerDescriptor handler, String key) {
      events.add("completed");
    }
  }
}
