package io.idempo.benchmarks.jdbc;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every JDBC implementation, on H2: the ledger ends with one row per distinct key (exactly one per
 * delivery for the limit), and the counted statements and commits are the ones its configuration
 * implies. 20% of the deliveries are duplicates.
 */
class JdbcDeliveriesTest {

  private static final Map<String, DeliveryCounts.Result> COUNTS = new HashMap<>();

  @BeforeAll
  static void countEveryImplementation() throws Exception {
    for (String impl : JdbcDeliveries.ALL) {
      COUNTS.put(impl, DeliveryCounts.count(Database.Kind.H2, impl, 100));
    }
    for (String impl : JdbcDeliveries.DIAGNOSTIC) {
      COUNTS.put(impl, DeliveryCounts.count(Database.Kind.H2, impl, 100));
    }
  }

  private static DeliveryCounts.Result count(String impl) {
    return COUNTS.get(impl);
  }

  @Test
  void everyImplementationHasTheExactlyOnceEffect() {
    for (String impl : JdbcDeliveries.ALL) {
      assertWithMessage(impl).that(count(impl).effectOk).isTrue();
    }
  }

  @Test
  void theLimitIsOneStatementAndOneCommitPerDelivery() {
    DeliveryCounts.Result limit = count(JdbcDeliveries.LIMIT);
    assertThat(limit.statements).isEqualTo(1.0);
    assertThat(limit.commits).isEqualTo(1.0);
  }

  @Test
  void joinedPeersCommitOncePerDeliveryDefaultPeersCommitTwicePerFirstDelivery() {
    assertThat(count(JdbcDeliveries.CAMEL_TX).commits).isEqualTo(1.0);
    assertThat(count(JdbcDeliveries.SPRING_TX).commits).isEqualTo(1.0);
    assertThat(count(JdbcDeliveries.CAMEL).commits).isGreaterThan(1.7);
    assertThat(count(JdbcDeliveries.SPRING).commits).isEqualTo(2.0);
  }

  @Test
  void idempoTransactionalAddsNoCommitAndAtMostOneStatement() {
    DeliveryCounts.Result tx = count(JdbcDeliveries.IDEMPO_TX);
    DeliveryCounts.Result limit = count(JdbcDeliveries.LIMIT);
    assertThat(tx.commits).isAtMost(limit.commits);
    assertThat(tx.statements).isAtMost(limit.statements + 1);
  }

  @Test
  void theHandwrittenEventIdTableCommitsFirstDeliveriesAndRollsBackDuplicates() {
    DeliveryCounts.Result handwritten = count(JdbcDeliveries.HANDWRITTEN);
    DeliveryCounts.Result tx = count(JdbcDeliveries.IDEMPO_TX);
    // Each delivery ends one transaction, as Idempo's does. (On H2 Idempo ends a duplicate's with
    // a commit, since H2 clears its statement cache on every rollback; the hand-written pattern
    // rolls it back.)
    assertThat(handwritten.commits + handwritten.rollbacks).isEqualTo(tx.commits + tx.rollbacks);
    assertThat(handwritten.commits + handwritten.rollbacks).isEqualTo(1.0);
    // A first delivery: the event id and the work; a duplicate: the event id alone.
    assertThat(handwritten.statements).isEqualTo(2 * handwritten.commits + handwritten.rollbacks);
  }

  @Test
  void theHandwrittenPatternWithIdempoRowRunsTheSameStatementsAsTheHandwrittenOne() {
    DeliveryCounts.Result wide = count(JdbcDeliveries.HANDWRITTEN_WIDE);
    DeliveryCounts.Result handwritten = count(JdbcDeliveries.HANDWRITTEN);
    assertThat(wide.effectOk).isTrue();
    assertThat(wide.statements).isEqualTo(handwritten.statements);
    assertThat(wide.commits).isEqualTo(handwritten.commits);
    assertThat(wide.rollbacks).isEqualTo(handwritten.rollbacks);
  }

  @Test
  void unknownImplementationIsNamed() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> JdbcDeliveries.create("camel", new org.h2.jdbcx.JdbcDataSource()));
    assertThat(e).hasMessageThat().contains("'camel'");
    assertThat(e).hasMessageThat().contains("camel-jdbc-tx");
  }
}
