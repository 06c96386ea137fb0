package io.idempo.benchmarks.report;

import static com.google.common.truth.Truth.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchSummaryTest {

  private static final String BATCH = "io.idempo.benchmarks.jdbc.BatchBenchmark.deliver";

  private static String jmh(String impl, int batch, double batchesPerSecond) {
    return "{\"benchmark\":\""
        + BATCH
        + "\",\"mode\":\"thrpt\",\"threads\":1,\"forks\":1,\"params\":{\"database\":\"postgres\","
        + "\"batch\":\""
        + batch
        + "\",\"impl\":\""
        + impl
        + "\"},\"primaryMetric\":{\"score\":"
        + batchesPerSecond
        + ",\"scoreUnit\":\"ops/s\"}}";
  }

  private static List<BatchSummary.Score> round(
      String round, double batch, double tx, double camel, double spring, double handwritten) {
    return BatchSummary.parse(
        "["
            + String.join(
                ",",
                jmh("idempo-batch", 100, batch),
                jmh("idempo-tx", 100, tx),
                jmh("camel-jdbc-tx-batch", 100, camel),
                jmh("spring-jdbc-tx-batch", 100, spring),
                jmh("handwritten-batch", 100, handwritten))
            + "]",
        round);
  }

  @Test
  void deliveriesPerSecondAreBatchesTimesTheBatchSize() {
    List<BatchSummary.Score> scores = round("round-1", 200, 5, 20, 30, 220);
    assertThat(scores.get(0).deliveriesPerSecond()).isEqualTo(20_000.0);
    assertThat(scores.get(0).batch()).isEqualTo(100);
  }

  @Test
  void theSingleDeliverySuitesReportIgnoresBatchResults() {
    assertThat(Summary.parseJmh("[" + jmh("idempo-batch", 10, 1) + "]", "r1")).isEmpty();
  }

  @Test
  void targetsAreMediansOfPerRoundRatiosAgainstTheBestPeerOfEachRound() {
    List<BatchSummary.Score> scores = new ArrayList<>();
    scores.addAll(round("round-1", 200, 10, 20, 30, 220)); // 20x tx, 6.7x best peer, 0.91x
    scores.addAll(round("round-2", 100, 20, 40, 10, 200)); // 5x tx, 2.5x best peer, 0.5x
    scores.addAll(round("round-3", 300, 20, 50, 60, 330)); // 15x tx, 5x best peer, 0.91x
    String report =
        new BatchSummary(
                scores,
                List.<String[]>of(
                    "batch-counts,jdbc-postgres,idempo-batch,100,0.030,0.010,0.000,3.00,1.00,ok"
                        .split(",", -1)))
            .render();
    assertThat(report).contains("MET    1 thread(s): idempo-batch >= 10x idempo-tx: 15.00x");
    assertThat(report).contains("MET    1 thread(s): idempo-batch >= 3x the best peer");
    assertThat(report).contains(": 5.00x");
    assertThat(report).contains("MET    1 thread(s): idempo-batch >= 0.8x the hand-written batch: 0.91x");
    assertThat(report).contains("MET  batches of 100: 3.00 statements per batch");
    assertThat(report).contains("batch,idempo-batch,100,1,20000");
  }
}
