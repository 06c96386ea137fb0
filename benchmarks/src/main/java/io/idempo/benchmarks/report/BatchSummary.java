package io.idempo.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The report of suite {@code batch}: per batch size and thread count, each implementation's median
 * deliveries (messages) per second over the interleaved rounds, its spread, and its ratios to
 * {@code idempo-tx}, to the best peer looped in a batch transaction and to the hand-written batch
 * (medians of the per-round ratios); then statements and commits per message and per batch, CPU
 * per message, and the targets of the batch issue.
 *
 * <p>Usage: {@code BatchSummary RESULTS_DIR [MEASURES_CSV]}: the JMH JSON files of {@code
 * BatchBenchmark} under {@code RESULTS_DIR} (one folder per round) and the lines {@link
 * io.idempo.benchmarks.jdbc.BatchMeasures} printed.
 */
public final class BatchSummary {

  static final String IDEMPO_BATCH = "idempo-batch";
  static final String IDEMPO_TX = "idempo-tx";
  static final String HANDWRITTEN = "handwritten-batch";
  static final List<String> PEERS = List.of("camel-jdbc-tx-batch", "spring-jdbc-tx-batch");
  static final List<String> ORDER =
      List.of(IDEMPO_BATCH, IDEMPO_TX, "camel-jdbc-tx-batch", "spring-jdbc-tx-batch", HANDWRITTEN);

  /** One score: deliveries per second of one implementation in one configuration and round. */
  record Score(String impl, int batch, int threads, String round, double deliveriesPerSecond) {}

  private final List<Score> scores;
  private final List<String[]> measures;

  BatchSummary(List<Score> scores, List<String[]> measures) {
    this.scores = List.copyOf(scores);
    this.measures = List.copyOf(measures);
  }

  static boolean isBatch(String benchmark) {
    return benchmark.endsWith(".BatchBenchmark.deliver");
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: BatchSummary RESULTS_DIR [MEASURES_CSV]");
      System.exit(2);
    }
    List<Score> scores = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(Path.of(args[0]))) {
      files = walk.filter(p -> p.toString().endsWith(".json")).sorted().collect(Collectors.toList());
    }
    for (Path file : files) {
      scores.addAll(
          parse(
              Files.readString(file, StandardCharsets.UTF_8),
              file.getParent().getFileName().toString()));
    }
    List<String[]> measures = new ArrayList<>();
    if (args.length == 2 && Files.exists(Path.of(args[1]))) {
      for (String line : Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8)) {
        if (line.startsWith("batch-")) {
          measures.add(line.split(",", -1));
        }
      }
    }
    System.out.print(new BatchSummary(scores, measures).render());
  }

  /** The batch scores of one JMH JSON result. */
  static List<Score> parse(String json, String round) {
    List<Score> scores = new ArrayList<>();
    for (Object item : (List<?>) Json.parse(json)) {
      Map<?, ?> run = (Map<?, ?>) item;
      if (!isBatch((String) run.get("benchmark"))) {
        continue;
      }
      Map<?, ?> params = (Map<?, ?>) run.get("params");
      int batch = Integer.parseInt((String) params.get("batch"));
      Map<?, ?> metric = (Map<?, ?>) run.get("primaryMetric");
      double batchesPerSecond =
          Summary.perSecond((Double) metric.get("score"), (String) metric.get("scoreUnit"));
      scores.add(
          new Score(
              (String) params.get("impl"),
              batch,
              ((Double) run.get("threads")).intValue(),
              round,
              batchesPerSecond * batch));
    }
    return scores;
  }

  private Map<String, Double> byRound(String impl, int batch, int threads) {
    Map<String, Double> byRound = new TreeMap<>();
    for (Score s : scores) {
      if (s.impl().equals(impl) && s.batch() == batch && s.threads() == threads) {
        byRound.put(s.round(), s.deliveriesPerSecond());
      }
    }
    return byRound;
  }

  /** The best peer of each round, by its deliveries per second. */
  private Map<String, Double> bestPeer(int batch, int threads) {
    Map<String, Double> best = new TreeMap<>();
    for (String peer : PEERS) {
      byRound(peer, batch, threads).forEach((round, value) -> best.merge(round, value, Math::max));
    }
    return best;
  }

  /** The median over rounds of {@code impl}'s per-round ratio to {@code other}; null if none. */
  private static Summary.Stats ratio(Map<String, Double> mine, Map<String, Double> other) {
    List<Double> ratios = new ArrayList<>();
    for (Map.Entry<String, Double> e : mine.entrySet()) {
      Double theirs = other.get(e.getKey());
      if (theirs != null && theirs > 0) {
        ratios.add(e.getValue() / theirs);
      }
    }
    return ratios.isEmpty() ? null : Summary.Stats.of(ratios);
  }

  String render() {
    StringBuilder out = new StringBuilder();
    TreeSet<Integer> batches = new TreeSet<>((a, b) -> Integer.compare(b, a));
    TreeSet<Integer> threadCounts = new TreeSet<>();
    for (Score s : scores) {
      batches.add(s.batch());
      threadCounts.add(s.threads());
    }
    List<String> targets = new ArrayList<>();
    for (int batch : batches) {
      for (int threads : threadCounts) {
        out.append(
            String.format(
                Locale.ROOT,
                "%nSuite batch, PostgreSQL, batches of %d, %d thread(s): deliveries/s (median over"
                    + " rounds, spread), ratios (median of per-round ratios)%n",
                batch,
                threads));
        out.append(
            String.format(
                Locale.ROOT,
                "  %-22s %12s %7s %12s %12s %12s%n",
                "impl",
                "deliveries/s",
                "spread",
                "/idempo-tx",
                "/best peer",
                "/handwritten"));
        Map<String, Double> tx = byRound(IDEMPO_TX, batch, threads);
        Map<String, Double> peer = bestPeer(batch, threads);
        Map<String, Double> handwritten = byRound(HANDWRITTEN, batch, threads);
        for (String impl : ORDER) {
          Map<String, Double> mine = byRound(impl, batch, threads);
          if (mine.isEmpty()) {
            continue;
          }
          Summary.Stats stats = Summary.Stats.of(new ArrayList<>(mine.values()));
          out.append(
              String.format(
                  Locale.ROOT,
                  "  %-22s %12.0f %6.0f%% %12s %12s %12s%n",
                  impl,
                  stats.median,
                  stats.spread() * 100,
                  format(ratio(mine, tx)),
                  PEERS.contains(impl) ? "" : format(ratio(mine, peer)),
                  format(ratio(mine, handwritten))));
        }
        if (batch == 100) {
          Map<String, Double> idempo = byRound(IDEMPO_BATCH, batch, threads);
          targets.add(target(threads, ">= 10x idempo-tx", ratio(idempo, tx), 10));
          targets.add(target(threads, ">= 3x the best peer in a batch transaction", ratio(idempo, peer), 3));
          targets.add(target(threads, ">= 0.8x the hand-written batch", ratio(idempo, handwritten), 0.8));
        }
      }
    }
    renderMeasures(out, targets);
    out.append(String.format(Locale.ROOT, "%nTargets (batches of 100, PostgreSQL)%n"));
    for (String target : targets) {
      out.append("  ").append(target).append('\n');
    }
    out.append(String.format(Locale.ROOT, "%nCSV: suite,impl,batch,threads,deliveries_per_s%n"));
    for (int batch : batches) {
      for (int threads : threadCounts) {
        for (String impl : ORDER) {
          Map<String, Double> mine = byRound(impl, batch, threads);
          if (!mine.isEmpty()) {
            out.append(
                String.format(
                    Locale.ROOT,
                    "batch,%s,%d,%d,%.0f%n",
                    impl,
                    batch,
                    threads,
                    Summary.Stats.of(new ArrayList<>(mine.values())).median));
          }
        }
      }
    }
    return out.toString();
  }

  private void renderMeasures(StringBuilder out, List<String> targets) {
    Map<String, String[]> cpu = new LinkedHashMap<>();
    List<String[]> counts = new ArrayList<>();
    for (String[] line : measures) {
      if (line[0].equals("batch-counts")) {
        counts.add(line);
      } else if (line[0].equals("batch-cpu")) {
        cpu.put(line[2] + "/" + line[3], line);
      }
    }
    if (counts.isEmpty()) {
      return;
    }
    out.append(
        String.format(
            Locale.ROOT,
            "%nPer message and per batch (one thread, 20%% duplicates; CPU in microseconds per"
                + " message)%n  %-22s %5s %10s %9s %10s %9s %7s %10s %10s%n",
            "impl",
            "batch",
            "stmts/msg",
            "commit/msg",
            "stmts/bat",
            "commit/bat",
            "effect",
            "client CPU",
            "server CPU"));
    for (String[] line : counts) {
      String[] time = cpu.get(line[2] + "/" + line[3]);
      out.append(
          String.format(
              Locale.ROOT,
              "  %-22s %5s %10s %9s %10s %9s %7s %10s %10s%n",
              line[2],
              line[3],
              line[4],
              line[5],
              line[7],
              line[8],
              line[9],
              time == null ? "" : time[4],
              time == null ? "" : time[5]));
      if (line[2].equals(IDEMPO_BATCH)) {
        double statements = Double.parseDouble(line[7]);
        double commits = Double.parseDouble(line[8]);
        // Per batch: the claim, the read of the duplicates' records (when there are any), the work.
        targets.add(
            String.format(
                Locale.ROOT,
                "%s batches of %s: %.2f statements per batch (1 claim + at most 1 read + 1 work),"
                    + " %.2f commits per batch (at most 1): %s",
                commits <= 1.0 && statements <= 3.0 ? "MET " : "MISSED",
                line[3],
                statements,
                commits,
                line[9].equals("ok") ? "effect ok" : "EFFECT WRONG"));
      }
    }
  }

  private static String target(int threads, String what, Summary.Stats ratio, double goal) {
    if (ratio == null) {
      return "n/a    " + threads + " thread(s): idempo-batch " + what + ": not measured";
    }
    return String.format(
        Locale.ROOT,
        "%s %d thread(s): idempo-batch %s: %.2fx (rounds %.2f-%.2f)",
        ratio.median >= goal ? "MET   " : "MISSED",
        threads,
        what,
        ratio.median,
        ratio.min,
        ratio.max);
  }

  private static String format(Summary.Stats ratio) {
    return ratio == null ? "" : String.format(Locale.ROOT, "%.2fx", ratio.median);
  }
}
