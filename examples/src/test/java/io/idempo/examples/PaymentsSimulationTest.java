package io.idempo.examples;

import static com.google.common.truth.Truth.assertThat;

import io.idempo.examples.PaymentsSimulation.RunReport;
import io.idempo.examples.broker.MessageListener;
import io.idempo.examples.payments.IdempotentPaymentHandler;
import io.idempo.examples.payments.PaymentCaptured;
import io.idempo.examples.payments.PaymentHandler;
import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The demo's core on a small stream, on H2 and on PostgreSQL: the generated wrapper applies every
 * event exactly once, the naive handler applies some twice, and the audit catches both double
 * applies and losses. If any of these stopped holding, the demo would stop demonstrating.
 */
class PaymentsSimulationTest {

  private static DemoOptions small(String jdbcUrl, String user) {
    return new DemoOptions(1_000, 0.3, 0.1, 4, 7, jdbcUrl, user, null);
  }

  @Test
  void onH2_wrapperAppliesEachEventOnce_naiveHandlerAppliesDuplicates() throws Exception {
    assertDemonstrates(small(TestDatabases.h2Url(), null));
  }

  @Test
  void onPostgres_wrapperAppliesEachEventOnce_naiveHandlerAppliesDuplicates() throws Exception {
    assertDemonstrates(small(TestDatabases.postgresUrl(), "postgres"));
  }

  private static void assertDemonstrates(DemoOptions options) throws Exception {
    try (DemoDatabase database = DemoDatabase.open(options, options.consumers() + 2)) {
      PaymentsSimulation simulation = new PaymentsSimulation(database.dataSource(), options);
      simulation.createTables();

      RunReport naive = simulation.runNaive(stats -> {});
      assertThat(naive.delivery().deliveries()).isGreaterThan(1_000L);
      assertThat(naive.delivery().crashes()).isGreaterThan(0L);
      assertThat(naive.audit().unique()).isEqualTo(1_000);
      assertThat(naive.audit().duplicatesApplied()).isGreaterThan(0L);
      assertThat(naive.audit().applied())
          .isEqualTo(naive.audit().unique() + naive.audit().duplicatesApplied());
      assertThat(naive.audit().lost()).isEqualTo(0L);
      assertThat(naive.audit().overchargedCents()).isGreaterThan(0L);
      assertThat(naive.audit().exactlyOnce()).isFalse();

      RunReport wrapped = simulation.runIdempotent(stats -> {});
      assertThat(wrapped.delivery().deliveries()).isGreaterThan(1_000L);
      assertThat(wrapped.delivery().crashes()).isGreaterThan(0L);
      assertThat(wrapped.delivery().deadLettered()).isEqualTo(0L);
      assertThat(wrapped.delivery().fatal()).isNull();
      LedgerAudit audit = wrapped.audit();
      assertThat(audit.unique()).isEqualTo(1_000);
      assertThat(audit.applied()).isEqualTo(audit.unique());
      assertThat(audit.duplicatesApplied()).isEqualTo(0L);
      assertThat(audit.lost()).isEqualTo(0L);
      assertThat(audit.mismatched()).isEqualTo(0L);
      assertThat(audit.unexpected()).isEqualTo(0L);
      assertThat(audit.overchargedCents()).isEqualTo(0L);
      assertThat(audit.exactlyOnce()).isTrue();
    }
  }

  @Test
  void auditCountsEventsThatWereAcknowledgedButNeverApplied() throws Exception {
    DemoOptions options = small(TestDatabases.h2Url(), null);
    try (DemoDatabase database = DemoDatabase.open(options, options.consumers() + 2)) {
      PaymentsSimulation simulation = new PaymentsSimulation(database.dataSource(), options);
      simulation.createTables();
      Set<UUID> dropped = new HashSet<>();
      for (int i = 0; i < simulation.events().size(); i += 10) {
        dropped.add(simulation.events().get(i).paymentId());
      }
      JdbcIdempotencyStore store =
          JdbcIdempotencyStore.builder(database.dataSource())
              .tableName(PaymentsSimulation.CLAIMS_TABLE)
              .build();
      PaymentHandler handler = new IdempotentPaymentHandler(store, store.dataSource());
      // Acknowledges every tenth payment without booking it, like a consumer that commits its
      // offset before the work and then dies.
      MessageListener<PaymentCaptured> lossy =
          event -> {
            if (!dropped.contains(event.paymentId())) {
              handler.capture(event);
            }
          };

      RunReport run = simulation.run("lossy", lossy, stats -> {});

      assertThat(run.audit().lost()).isEqualTo(dropped.size());
      assertThat(run.audit().applied()).isEqualTo(1_000L - dropped.size());
      assertThat(run.audit().duplicatesApplied()).isEqualTo(0L);
      assertThat(run.audit().exactlyOnce()).isFalse();
      assertThat(Demo.verdict(run)).contains("100 events never applied");
    }
  }
}
