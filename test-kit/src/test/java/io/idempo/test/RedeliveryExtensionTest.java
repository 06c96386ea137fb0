package io.idempo.test;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.platform.engine.TestExecutionResult.Status.FAILED;
import static org.junit.platform.engine.TestExecutionResult.Status.SUCCESSFUL;

import io.idempo.runtime.InMemoryIdempotencyStore;
import io.idempo.runtime.outbox.InMemoryMessagePublisher;
import io.idempo.runtime.outbox.OutboxEnvelope;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RedeliveryExtension} as a build runs it: sample test classes run through the JUnit
 * Platform ({@link EngineRun}), and this test reads how each ended, its failure and its report
 * entries.
 */
class RedeliveryExtensionTest {

  private static final Payment PAYMENT = new Payment("p-1", "acct-1", 1000);

  // ---- the samples; they run only through EngineRun

  /** Shared sources and setup from a registered extension, over a real database. */
  @EnabledIfSystemProperty(named = EngineRun.ENABLED, matches = "true")
  static class LedgerTests {

    final DataSource database = h2();

    @RegisterExtension
    final RedeliveryExtension redelivery =
        RedeliveryExtension.observing(JdbcState.schema(database).ignoringColumns("booked_at"))
            .startingFrom(() -> Sql.reset(database));

    @Test
    void absoluteWrite(Redeliveries redeliveries) {
      redeliveries
          .of((Payment p) -> Sql.update(database, "UPDATE account SET balance = ? WHERE id = ?", p.amountCents(), p.account()))
          .with(PAYMENT)
          .concurrently(3)
          .assertSameEffectAsOnce();
    }

    @Test
    void increment(Redeliveries redeliveries) {
      redeliveries
          .of(new LedgerHandler(database)::book)
          .with(PAYMENT)
          .assertSameEffectAsOnce();
    }

    @Test
    void neverRun(Redeliveries redeliveries) {
      redeliveries.of(new LedgerHandler(database)::book).with(PAYMENT).deliveredTimes(3);
    }
  }

  /** The kit's own state, new for every test, from {@code @ExtendWith}. */
  @EnabledIfSystemProperty(named = EngineRun.ENABLED, matches = "true")
  @ExtendWith(RedeliveryExtension.class)
  static class OwnStateTests {

    private InMemoryMessagePublisher publisher;
    private Redeliveries redeliveries;

    @BeforeEach
    void setUp(InMemoryMessagePublisher publisher, Redeliveries redeliveries) {
      this.publisher = publisher;
      this.redeliveries = redeliveries;
    }

    private void send(Payment p) throws InMemoryMessagePublisher.BrokerUnavailableException {
      publisher.publish(new OutboxEnvelope(UUID.randomUUID(), 0, CaptureNotifier.captured(p), Instant.now(), 1));
    }

    @Test
    void firstDuplicateSend(Redeliveries sameAsInSetUp) {
      assertThat(sameAsInSetUp).isSameInstanceAs(redeliveries);
      assertThat(publisher.published()).isEmpty();
      redeliveries.of(this::send).with(PAYMENT).assertSameEffectAsOnce();
    }

    @Test
    void secondDuplicateSend() {
      assertThat(publisher.published()).isEmpty();
      redeliveries.of(this::send).with(PAYMENT).assertSameEffectAsOnce();
    }

    @Test
    void guardedCall_concurrently_resetByTheKit() {
      CallRecorder gateway = redeliveries.recorder("gateway");
      List<String> charged = new ArrayList<>();
      redeliveries
          .of(
              (Payment p) -> {
                synchronized (charged) {
                  if (!charged.contains(p.id())) {
                    charged.add(p.id());
                    gateway.record("charge", p.account(), p.amountCents());
                  }
                }
              })
          .startingFrom(charged::clear)
          .with(PAYMENT)
          .concurrently(4)
          .assertSameEffectAsOnce();
    }

    @Test
    void wrappedTally(ClaimLog claims) {
      Tally wrapped = new IdempotentTally(InMemoryIdempotencyStore.builder().listener(claims).build());
      redeliveries
          .of(wrapped::count)
          .observing(ObjectState.fields("tally", wrapped))
          .with(PAYMENT)
          .assertSameEffectAsOnce();
    }
  }

  /** A parameter the extension cannot give per test. */
  @EnabledIfSystemProperty(named = EngineRun.ENABLED, matches = "true")
  @ExtendWith(RedeliveryExtension.class)
  static class ConstructorTests {

    ConstructorTests(Redeliveries redeliveries) {}

    @Test
    void anything() {}
  }

  static DataSource h2() {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:extension-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    try {
      Sql.create(h2);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return h2;
  }

  // ---- the tests

  @Test
  void registeredExtension_passesAnIdempotentHandler_andReportsWhatItSaw() {
    EngineRun.Outcome outcome = EngineRun.of(LedgerTests.class).outcome("absoluteWrite");

    assertThat(outcome.status()).isEqualTo(SUCCESSFUL);
    assertThat(outcome.reports())
        .containsExactly(
            "Delivering Payment[id=p-1, account=acct-1, amountCents=1000] from 3 threads at once had"
                + " the same effect as delivering it once.");
  }

  @Test
  void registeredExtension_failsTheNonIdempotentHandler_withTheDiff() {
    EngineRun.Outcome outcome = EngineRun.of(LedgerTests.class).outcome("increment");

    assertThat(outcome.status()).isEqualTo(FAILED);
    assertThat(outcome.failure()).isInstanceOf(NotIdempotentError.class);
    String diff =
        "Delivering Payment[id=p-1, account=acct-1, amountCents=1000] twice did not have the same"
            + " effect as delivering it once:\n"
            + "account: 1 row after one delivery and two, not the same:\n"
            + "  ~ {id=acct-1} balance: 1000 after one delivery, 2000 after two\n"
            + "ledger: 1 row after one delivery, 2 rows after two:\n"
            + "  + {entry_id=#2, payment_id=p-1, amount_cents=1000}";
    assertThat(outcome.failure()).hasMessageThat().isEqualTo(diff);
    assertThat(outcome.reports()).containsExactly(diff);
  }

  @Test
  void aCheckBuiltAndNeverRun_failsTheTest_namingTheMessage() {
    EngineRun.Outcome outcome = EngineRun.of(LedgerTests.class).outcome("neverRun");

    assertThat(outcome.status()).isEqualTo(FAILED);
    assertThat(outcome.failure())
        .hasMessageThat()
        .isEqualTo(
            "LedgerTests.neverRun() built a redelivery check and never ran it:"
                + " Payment[id=p-1, account=acct-1, amountCents=1000]. End each Redelivery.with(…)"
                + " with assertSameEffectAsOnce() or check().");
    assertThat(outcome.reports()).isEmpty();
  }

  @Test
  void kitState_isNewForEveryTest_observed_andResetByTheKit() {
    EngineRun run = EngineRun.of(OwnStateTests.class);

    assertThat(run.tests())
        .containsExactly(
            "firstDuplicateSend", "secondDuplicateSend", "guardedCall_concurrently_resetByTheKit", "wrappedTally");
    EngineRun.Outcome first = run.outcome("firstDuplicateSend");
    assertThat(first.status()).isEqualTo(FAILED);
    assertThat(first.failure())
        .hasMessageThat()
        .contains(
            "published messages: 1 row after one delivery, 2 rows after two:\n"
                + "  + {destination=payments.captured, key=p-1, payload=\"captured 1000\", headers={}}");
    // A fresh publisher: the first test's two messages are not there.
    EngineRun.Outcome second = run.outcome("secondDuplicateSend");
    assertThat(second.status()).isEqualTo(FAILED);
    assertThat(second.failure()).hasMessageThat().isEqualTo(first.failure().getMessage());
    assertThat(run.outcome("guardedCall_concurrently_resetByTheKit").status()).isEqualTo(SUCCESSFUL);
  }

  @Test
  void claimLogParameter_isWatched_soTheReportNamesTheWrapper() {
    EngineRun.Outcome outcome = EngineRun.of(OwnStateTests.class).outcome("wrappedTally");

    assertThat(outcome.status()).isEqualTo(SUCCESSFUL);
    assertThat(outcome.reports()).hasSize(1);
    assertThat(outcome.reports().get(0))
        .endsWith(
            "The Idempo wrapper made it safe: it recognised the redelivery of tally/p-1 as a"
                + " duplicate and did not run the handler again.");
  }

  @Test
  void constructorParameter_isRefused_withTheReason() {
    EngineRun.Outcome outcome = EngineRun.of(ConstructorTests.class).outcome("anything");

    assertThat(outcome.status()).isEqualTo(FAILED);
    assertThat(outcome.failure()).isInstanceOf(ParameterResolutionException.class);
    assertThat(outcome.failure())
        .hasMessageThat()
        .contains(
            "Redeliveries is new for every test: take it as a parameter of a @Test or @BeforeEach"
                + " method, not of ");
  }
}
