package io.idempo.benchmarks.jdbc;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every batch implementation, on H2, in batches of 100 and 10 with 20% duplicates: the ledger ends
 * with one row per distinct key, and the counted statements and commits are the ones its design
 * implies.
 */
class BatchDeliveriesTest {

  private static final Map<String, BatchMeasures.Counts> COUNTS = new HashMap<>();

  @BeforeAll
  static void countEveryImplementation() throws Exception {
    for (int batch : new int[] {100, 10}) {
      for (String impl : BatchDeliveries.ALL) {
        COUNTS.put(impl + "/" + batch, BatchMeasures.count(Database.Kind.H2, impl, batch, 1_000));
      }
    }
  }

  private static BatchMeasures.Counts count(String impl, int batch) {
    return COUNTS.get(impl + "/" + batch);
  }

  @Test
  void everyImplementationHasTheExactlyOnceEffect() {
    for (BatchMeasures.Counts counts : COUNTS.values()) {
      assertWithMessage("%s in batches of %s", counts.impl(), counts.batch())
          .that(counts.effectOk())
          .isTrue();
    }
  }

  @Test
  void idempoBatchCommitsOncePerBatchWithOneClaimOneReadAndTheWork() {
    for (int batch : new int[] {100, 10}) {
      BatchMeasures.Counts idempo = count(BatchDeliveries.IDEMPO_BATCH, batch);
      assertThat(idempo.commitsPerBatch()).isWithin(1e-9).of(1.0);
      assertThat(idempo.statementsPerBatch()).isAtMost(3.0);
      assertThat(idempo.statementsPerBatch()).isAtLeast(2.0);
    }
  }

  @Test
  void theHandwrittenBatchIsOneInsertOfIdsAndTheWork() {
    for (int batch : new int[] {100, 10}) {
      BatchMeasures.Counts handwritten = count(BatchDeliveries.HANDWRITTEN_BATCH, batch);
      assertThat(handwritten.commitsPerBatch()).isWithin(1e-9).of(1.0);
      assertThat(handwritten.statementsPerBatch()).isWithin(1e-9).of(2.0);
    }
  }

  @Test
  void loopedPeersRunAStatementPerMessageAndCommitOncePerBatch() {
    for (String peer :
        new String[] {BatchDeliveries.CAMEL_TX_BATCH, BatchDeliveries.SPRING_TX_BATCH}) {
      BatchMeasures.Counts counts = count(peer, 100);
      assertThat(counts.commitsPerBatch()).isWithin(1e-9).of(1.0);
      assertThat(counts.statementsPerMessage()).isAtLeast(1.0);
    }
  }

  @Test
  void idempoTxEndsOneTransactionPerMessage() {
    // On H2 a duplicate's transaction, which wrote nothing, ends with a commit too (H2 clears its
    // statement cache on every rollback), so every message ends exactly one transaction.
    BatchMeasures.Counts tx = count(BatchDeliveries.IDEMPO_TX, 100);
    assertThat(tx.commitsPerMessage() + tx.rollbacksPerMessage()).isWithin(1e-9).of(1.0);
    assertThat(tx.rollbacksPerMessage()).isWithin(1e-9).of(0.0);
  }
}
