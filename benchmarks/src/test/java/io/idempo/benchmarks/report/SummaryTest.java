package io.idempo.benchmarks.report;

import static com.google.common.truth.Truth.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {

  private static String jmh(String benchmark, int threads, String params, double score, String unit) {
    return "{\"jmhVersion\":\"1.37\",\"benchmark\":\""
        + benchmark
        + "\",\"mode\":\"thrpt\",\"threads\":"
        + threads
        + ",\"forks\":1,\"params\":{"
        + params
        + "},\"primaryMetric\":{\"score\":"
        + score
        + ",\"scoreError\":\"NaN\",\"scoreConfidence\":[1.0,2.0],\"scoreUnit\":\""
        + unit
        + "\",\"rawData\":[[1.5e3,-2.0E-1]]},\"secondaryMetrics\":{}}";
  }

  private static final String PG = "io.idempo.benchmarks.jdbc.JdbcBenchmark.deliver";

  private static List<Summary.Score> round(String round, double tx, double camel, double camelTx, double limit) {
    String json =
        "["
            + String.join(
                ",",
                jmh(PG, 1, "\"database\":\"postgres\",\"impl\":\"idempo-tx\"", tx, "ops/s"),
                jmh(PG, 1, "\"database\":\"postgres\",\"impl\":\"camel-jdbc\"", camel, "ops/s"),
                jmh(PG, 1, "\"database\":\"postgres\",\"impl\":\"camel-jdbc-tx\"", camelTx, "ops/s"),
                jmh(PG, 1, "\"database\":\"postgres\",\"impl\":\"limit\"", limit, "ops/s"))
            + "]";
    return Summary.parseJmh(json, round);
  }

  @Test
  void parsesJmhJsonIntoSuitesAndOpsPerSecond() {
    List<Summary.Score> scores =
        Summary.parseJmh(
            "["
                + jmh("io.idempo.benchmarks.compile.CompileBenchmark.compile", 1, "\"handlers\":\"500\",\"impl\":\"javac\"", 30, "ops/min")
                + "]",
            "r1");
    Summary summary = new Summary(scores, List.of());
    assertThat(summary.median("compile", "javac", 1)).isWithin(1e-9).of(0.5);
  }

  @Test
  void mediansSpreadsAndPerRoundRatios() {
    List<Summary.Score> scores = new ArrayList<>();
    scores.addAll(round("round-1", 1000, 500, 900, 1100));
    scores.addAll(round("round-2", 2000, 1000, 2000, 2000));
    scores.addAll(round("round-3", 1500, 1000, 1400, 1600));
    Summary summary = new Summary(scores, List.of());

    assertThat(summary.median("jdbc-postgres", "idempo-tx", 1)).isEqualTo(1500);
    Summary.Stats stats = Summary.Stats.of(List.of(1000.0, 2000.0, 1500.0));
    assertThat(stats.spread()).isWithin(1e-9).of(1.0 / 3);
    // Per-round ratios 2.0, 2.0, 1.5: median 2.0, although the medians' ratio is 1500/1000 = 1.5.
    Summary.Stats ratio = summary.ratio("jdbc-postgres", "idempo-tx", "camel-jdbc", 1);
    assertThat(ratio.median).isEqualTo(2.0);
    assertThat(ratio.min).isEqualTo(1.5);
    assertThat(summary.bestPeer("jdbc-postgres", 1)).isEqualTo("camel-jdbc-tx");
  }

  @Test
  void reportHasTablesTargetsAndCsv() {
    List<Summary.Score> scores = new ArrayList<>();
    scores.addAll(round("round-1", 1000, 500, 900, 1100));
    scores.addAll(round("round-2", 1000, 800, 1100, 1100));
    List<String[]> counts =
        List.of(
            "counts,jdbc-postgres,idempo-tx,1.800,0.800,0.200,0.800,512,ok".split(",", -1),
            "counts,jdbc-postgres,limit,1.000,1.000,0.000,1.000,198,ok".split(",", -1));
    String report = new Summary(scores, counts).render();

    assertThat(report).contains("== jdbc-postgres, 1 thread ==");
    assertThat(report).contains("suite,impl,threads,ops_per_s");
    assertThat(report).contains("jdbc-postgres,idempo-tx,1,1000.000");
    assertThat(report).contains("jdbc-postgres,limit,1,1100.000");
    // 1000/500 and 1000/800: median 1.625 >= 1.4.
    assertThat(report).containsMatch("met +jdbc-postgres idempo-tx at 1 thread: 1\\.63x camel-jdbc");
    // 1000/900 and 1000/1100: median 1.01, met; the limit: 0.91 >= 0.85.
    assertThat(report).containsMatch("met +jdbc-postgres idempo-tx at 1 thread: 1\\.01x camel-jdbc-tx");
    assertThat(report).containsMatch("met +jdbc-postgres idempo-tx at 1 thread: 0\\.91x limit");
    assertThat(report).containsMatch("met +jdbc-postgres idempo-tx adds -0\\.200 commits and \\+0\\.800 statements");
  }

  @Test
  void theHandwrittenReferenceIsNoPeerAndMeasuresIdempoAgainstTheFloor() {
    List<Summary.Score> scores = new ArrayList<>();
    for (String[] r : new String[][] {{"round-1", "1000", "1250"}, {"round-2", "900", "1000"}}) {
      scores.addAll(round(r[0], Double.parseDouble(r[1]), 500, 800, 1300));
      scores.addAll(
          Summary.parseJmh(
              "["
                  + jmh(PG, 1, "\"database\":\"postgres\",\"impl\":\"handwritten\"", Double.parseDouble(r[2]), "ops/s")
                  + "]",
              r[0]));
    }
    Summary summary = new Summary(scores, List.of());
    assertThat(summary.bestPeer("jdbc-postgres", 1)).isEqualTo("camel-jdbc-tx");
    // handwritten/limit: 1250/1300 and 1000/1300; idempo-tx/handwritten: 0.8 and 0.9.
    assertThat(summary.targets())
        .contains(
            "info   of that, at 1 thread a hand-written event-id row in the work's transaction"
                + " reaches 0.87x limit (0.77..0.96); idempo-tx reaches 0.85x handwritten (0.80..0.90)");
    String report = summary.render();
    assertThat(report.indexOf("\nhandwritten ")).isLessThan(report.indexOf("\nlimit "));
    assertThat(report.indexOf("\ncamel-jdbc-tx ")).isLessThan(report.indexOf("\nhandwritten "));
  }

  @Test
  void theHandwrittenRowIsMeasuredAgainstEveryPeerItsTargetNames() {
    List<Summary.Score> scores = new ArrayList<>();
    for (String[] r : new String[][] {{"round-1", "1200"}, {"round-2", "1000"}}) {
      scores.addAll(round(r[0], 900, 500, 800, 1300));
      scores.addAll(
          Summary.parseJmh(
              "["
                  + jmh(PG, 1, "\"database\":\"postgres\",\"impl\":\"handwritten\"", Double.parseDouble(r[1]), "ops/s")
                  + "]",
              r[0]));
    }
    List<String> targets = new Summary(scores, List.of()).targets();
    // handwritten/camel-jdbc: 2.4 and 2.0; handwritten/camel-jdbc-tx: 1.5 and 1.25.
    String line =
        "info   at 1 thread a hand-written event-id row in the work's transaction reaches"
            + " 2.20x camel-jdbc (2.00..2.40), 1.38x camel-jdbc-tx (1.25..1.50)";
    assertThat(targets).contains(line);
    // It sits with the peers' targets, before the limit's, which the next line splits.
    int limitTarget = -1;
    for (int i = 0; i < targets.size(); i++) {
      if (targets.get(i).contains("x limit (") && !targets.get(i).startsWith("info")) {
        limitTarget = i;
        break;
      }
    }
    assertThat(targets.indexOf(line)).isEqualTo(limitTarget - 1);
  }

  @Test
  void compileCpuTimeDecidesTheCheckTargetByItsMedianAndFirstQuartile() {
    List<String[]> compileCpu =
        List.of(
            "compile-cpu,errorprone,410.0,,,,".split(",", -1),
            "compile-cpu,errorprone+check,421.3,errorprone,2.75,1.10,4.20".split(",", -1),
            "compile-cpu,errorprone+noop,415.0,errorprone,1.20,0.40,2.00".split(",", -1));
    Summary met = new Summary(List.of(), List.of(), List.of(), compileCpu);
    assertThat(met.targets())
        .contains(
            "met    errorprone+check adds +2.8% CPU time (quartiles +1.1..+4.2) to errorprone,"
                + " per compilation in turns (target < 3%)");
    assertThat(met.render()).containsMatch("errorprone\\+check +421\\.3  2\\.75% \\(1\\.10\\.\\.4\\.20\\) to errorprone");
    List<String[]> over =
        List.<String[]>of("compile-cpu,errorprone+check,440.0,errorprone,3.50,2.90,5.00".split(",", -1));
    assertThat(new Summary(List.of(), List.of(), List.of(), over).targets().get(0))
        .startsWith("spread errorprone+check adds +3.5% CPU time");
  }

  @Test
  void cpuTimeIsTabledPerSuiteWithTheServerProcessSeparateOnPostgres() {
    List<String[]> cpu =
        List.of(
            "cpu,jdbc-h2,idempo-tx,16.0,".split(",", -1),
            "cpu,jdbc-h2,limit,8.0,".split(",", -1),
            "cpu,jdbc-postgres,idempo-tx,90.0,240.0".split(",", -1),
            "cpu,jdbc-postgres,limit,60.0,160.0".split(",", -1));
    String report = new Summary(round("round-1", 900, 500, 800, 1300), List.of(), cpu).render();
    assertThat(report).contains("== CPU time per delivery, jdbc-h2 in memory, 1 thread (microseconds) ==");
    assertThat(report).containsMatch("idempo-tx +16\\.0 +2\\.00x");
    assertThat(report)
        .contains(
            "== CPU time per delivery, jdbc-postgres: this JVM's thread and the server's process,"
                + " 1 thread (microseconds) ==");
    // 90 + 240 = 330 against 60 + 160 = 220.
    assertThat(report).containsMatch("idempo-tx +90\\.0 +240\\.0 +330\\.0 +1\\.50x");
    assertThat(report).containsMatch("limit +60\\.0 +160\\.0 +220\\.0 +1\\.00x");
  }

  @Test
  void theMemoryTargetsAreSplitAtTheHandwrittenBoundedMap() {
    String memory = "io.idempo.benchmarks.memory.MemoryBenchmark.deliver";
    String[][] impls = {
      {"idempo-memory", "3000000"}, {"camel-memory", "2000000"}, {"handwritten", "4000000"},
      {"limit", "8000000"}
    };
    StringBuilder json = new StringBuilder("[");
    for (String[] impl : impls) {
      json.append(json.length() > 1 ? "," : "")
          .append(jmh(memory, 4, "\"impl\":\"" + impl[0] + "\"", Double.parseDouble(impl[1]), "ops/s"));
    }
    Summary summary = new Summary(Summary.parseJmh(json.append("]").toString(), "round-1"), List.of());
    assertThat(summary.bestPeer("memory", 4)).isEqualTo("camel-memory");
    assertThat(summary.targets())
        .containsAtLeast(
            "MISSED memory idempo-memory at 4 threads: 1.50x camel-memory (1.50..1.50; target >= 3.00x)",
            "MISSED memory idempo-memory at 4 threads: 0.38x limit (0.38..0.38; target >= 0.50x)",
            "info   of that, at 4 threads a hand-written map bounded to the same capacity reaches"
                + " 0.50x limit (0.50..0.50); idempo-memory reaches 0.75x handwritten (0.75..0.75)")
        .inOrder();
  }

  @Test
  void compileTargetsAreFollowedByTheFloorsThatSplitThem() {
    String compile = "io.idempo.benchmarks.compile.CompileBenchmark.compile";
    StringBuilder json = new StringBuilder("[");
    String[][] variants = {
      {"javac", "60"}, {"javac+filer", "30"}, {"javac+processor", "24"},
      {"errorprone", "60"}, {"errorprone+noop", "50"}, {"errorprone+check", "48"}
    };
    for (String[] v : variants) {
      json.append(json.length() > 1 ? "," : "")
          .append(jmh(compile, 1, "\"handlers\":\"500\",\"impl\":\"" + v[0] + "\"", Double.parseDouble(v[1]), "ops/min"));
    }
    List<String> targets =
        new Summary(Summary.parseJmh(json.append("]").toString(), "round-1"), List.of()).targets();

    assertThat(targets)
        .containsExactly(
            "MISSED errorprone+check adds +25.0% (+25.0..+25.0) to errorprone (target < 3%)",
            "info   of that, enabling any one method check (errorprone+noop) adds +20.0% to"
                + " errorprone; the check's own work adds +4.2% (+4.2..+4.2) to errorprone+noop",
            "MISSED javac+processor adds +150.0% (+150.0..+150.0) to javac (target < 5%)",
            "info   of that, writing the same wrappers through the Filer (javac+filer) adds +100.0%"
                + " to javac; the processor's own work adds +25.0% (+25.0..+25.0) to javac+filer")
        .inOrder();
  }

  @Test
  void aCompileTargetMetInOneRoundIsMetWithinTheSpread() {
    String compile = "io.idempo.benchmarks.compile.CompileBenchmark.compile";
    List<Summary.Score> scores = new ArrayList<>();
    // The check adds 1% in one round (100 -> 101 ms) and 9% in the other (100 -> 109 ms).
    for (String[] r : new String[][] {{"round-1", "101"}, {"round-2", "109"}}) {
      scores.addAll(
          Summary.parseJmh(
              "["
                  + jmh(compile, 1, "\"impl\":\"errorprone\"", 600, "ops/min")
                  + ","
                  + jmh(compile, 1, "\"impl\":\"errorprone+check\"", 60_000 / Double.parseDouble(r[1]), "ops/min")
                  + "]",
              r[0]));
    }
    assertThat(new Summary(scores, List.of()).targets())
        .containsExactly("spread errorprone+check adds +5.0% (+1.0..+9.0) to errorprone (target < 3%)");
  }

  @Test
  void aMissedTargetSaysSo() {
    List<Summary.Score> scores = new ArrayList<>(round("round-1", 500, 500, 900, 1100));
    List<String> targets = new Summary(scores, List.of()).targets();
    assertThat(targets).contains(
        "MISSED jdbc-postgres idempo-tx at 1 thread: 1.00x camel-jdbc (1.00..1.00; target >= 1.40x)");
  }

  @Test
  void malformedJsonIsReportedWithItsOffset() {
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> Summary.parseJmh("[{\"benchmark\": }]", "r"));
    assertThat(e).hasMessageThat().contains("offset");
  }
}
