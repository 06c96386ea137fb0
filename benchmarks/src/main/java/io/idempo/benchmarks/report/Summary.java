package io.idempo.benchmarks.report;

import io.idempo.benchmarks.compile.CompileVariants;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns JMH's JSON results of several interleaved rounds into the report: per suite and thread
 * count, each implementation's median throughput over the rounds with its spread, and its ratio to
 * the best peer and to the limit (the median of the per-round ratios, so that drift shared by a
 * round cancels out); then the compile-time overheads, the targets, and CSV lines.
 *
 * <p>Usage: {@code Summary RESULTS_DIR [COUNTS_CSV]}. {@code RESULTS_DIR} holds one folder per
 * round, each with JMH JSON files ({@code -rf json}); {@code COUNTS_CSV} holds the lines {@link
 * io.idempo.benchmarks.jdbc.DeliveryCounts} printed.
 */
public final class Summary {

  /** One score: one implementation in one suite at one thread count in one round. */
  public static final class Score {
    final String suite;
    final String impl;
    final int threads;
    final String round;
    final double opsPerSecond;

    public Score(String suite, String impl, int threads, String round, double opsPerSecond) {
      this.suite = suite;
      this.impl = impl;
      this.threads = threads;
      this.round = round;
      this.opsPerSecond = opsPerSecond;
    }
  }

  /** The median and range of some values. */
  public static final class Stats {
    public final double median;
    public final double min;
    public final double max;
    public final int n;

    Stats(double median, double min, double max, int n) {
      this.median = median;
      this.min = min;
      this.max = max;
      this.n = n;
    }

    /** The larger distance from the median to either end, as a fraction of the median. */
    public double spread() {
      return median == 0 ? 0 : Math.max(max - median, median - min) / median;
    }

    public static Stats of(List<Double> values) {
      if (values.isEmpty()) {
        throw new IllegalArgumentException("no values");
      }
      double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      int n = sorted.length;
      double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      return new Stats(median, sorted[0], sorted[n - 1], n);
    }
  }

  /** The JDBC peers in their default configurations, which commit the key on their own. */
  private static final List<String> DEFAULT_JDBC_PEERS = List.of("camel-jdbc", "spring-jdbc");

  /** The JDBC peers joined to the work's transaction. */
  private static final List<String> JOINED_JDBC_PEERS = List.of("camel-jdbc-tx", "spring-jdbc-tx");

  private final List<Score> scores;
  private final List<String[]> counts;
  private final List<String[]> cpu;
  private final List<String[]> compileCpu;

  public Summary(List<Score> scores, List<String[]> counts) {
    this(scores, counts, List.of());
  }

  public Summary(List<Score> scores, List<String[]> counts, List<String[]> cpu) {
    this(scores, counts, cpu, List.of());
  }

  /**
   * A report of {@code scores}, with the lines {@code counts,...} of {@link
   * io.idempo.benchmarks.jdbc.DeliveryCounts} and {@code cpu,...} of {@link
   * io.idempo.benchmarks.jdbc.DeliveryCpu}, and {@code compile-cpu,...} of {@link
   * io.idempo.benchmarks.compile.CompileCpu}, split at commas.
   */
  public Summary(
      List<Score> scores, List<String[]> counts, List<String[]> cpu, List<String[]> compileCpu) {
    this.scores = List.copyOf(scores);
    this.compileCpu = List.copyOf(compileCpu);
    this.counts = List.copyOf(counts);
    this.cpu = List.copyOf(cpu);
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: Summary RESULTS_DIR [COUNTS_CSV]");
      System.exit(2);
    }
    List<Score> scores = readResults(Path.of(args[0]));
    List<String[]> counts = new ArrayList<>();
    List<String[]> cpu = new ArrayList<>();
    List<String[]> compileCpu = new ArrayList<>();
    if (args.length == 2 && Files.exists(Path.of(args[1]))) {
      for (String line : Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8)) {
        if (line.startsWith("counts,")) {
          counts.add(line.split(",", -1));
        } else if (line.startsWith("cpu,")) {
          cpu.add(line.split(",", -1));
        } else if (line.startsWith("compile-cpu,")) {
          compileCpu.add(line.split(",", -1));
        }
      }
    }
    System.out.print(new Summary(scores, counts, cpu, compileCpu).render());
  }

  /** Reads every {@code *.json} file under {@code dir}; a file's round is its folder's name. */
  public static List<Score> readResults(Path dir) throws IOException {
    List<Score> scores = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(p -> p.toString().endsWith(".json")).sorted().collect(Collectors.toList());
    }
    for (Path file : files) {
      String round = file.getParent().getFileName().toString();
      scores.addAll(parseJmh(Files.readString(file, StandardCharsets.UTF_8), round));
    }
    return scores;
  }

  /** The scores in one JMH JSON result. */
  public static List<Score> parseJmh(String json, String round) {
    List<Score> scores = new ArrayList<>();
    Object parsed = Json.parse(json);
    if (!(parsed instanceof List)) {
      throw new IllegalArgumentException("a JMH JSON result is an array");
    }
    for (Object item : (List<?>) parsed) {
      Map<?, ?> run = (Map<?, ?>) item;
      String benchmark = (String) run.get("benchmark");
      if (BatchSummary.isBatch(benchmark)) {
        continue; // suite batch has its own report, BatchSummary
      }
      int threads = ((Double) run.get("threads")).intValue();
      Map<?, ?> params = run.get("params") instanceof Map ? (Map<?, ?>) run.get("params") : Map.of();
      Map<?, ?> metric = (Map<?, ?>) run.get("primaryMetric");
      double score = (Double) metric.get("score");
      String unit = (String) metric.get("scoreUnit");
      scores.add(
          new Score(
              suiteOf(benchmark, params), (String) params.get("impl"), threads, round, perSecond(score, unit)));
    }
    return scores;
  }

  static String suiteOf(String benchmark, Map<?, ?> params) {
    if (benchmark.contains(".memory.")) {
      return "memory";
    }
    if (benchmark.contains(".jdbc.")) {
      return "jdbc-" + params.get("database");
    }
    if (benchmark.contains(".compile.")) {
      return "compile";
    }
    throw new IllegalArgumentException("no suite for benchmark " + benchmark);
  }

  static double perSecond(double score, String unit) {
    return switch (unit) {
      case "ops/s" -> score;
      case "ops/ms" -> score * 1_000;
      case "ops/us" -> score * 1_000_000;
      case "ops/min" -> score / 60;
      default -> throw new IllegalArgumentException("unexpected JMH score unit " + unit);
    };
  }

  /**
   * True for an established library's implementation; false for Idempo's and for the two
   * references, {@code handwritten} and {@code limit}.
   */
  static boolean isPeer(String impl) {
    return !impl.startsWith("idempo") && !impl.equals("handwritten") && !impl.equals("limit");
  }

  /** The median throughput of {@code impl}, or NaN if it was not measured. */
  public double median(String suite, String impl, int threads) {
    List<Double> values = values(suite, impl, threads);
    return values.isEmpty() ? Double.NaN : Stats.of(values).median;
  }

  private List<Double> values(String suite, String impl, int threads) {
    List<Double> values = new ArrayList<>();
    for (Score s : scores) {
      if (s.suite.equals(suite) && s.impl.equals(impl) && s.threads == threads) {
        values.add(s.opsPerSecond);
      }
    }
    return values;
  }

  /**
   * The ratio of {@code impl} to {@code other}, computed per round (both measured in that round)
   * and summarised over the rounds; null if they never share a round.
   */
  public Stats ratio(String suite, String impl, String other, int threads) {
    Map<String, Double> mine = byRound(suite, impl, threads);
    Map<String, Double> theirs = byRound(suite, other, threads);
    List<Double> ratios = new ArrayList<>();
    for (Map.Entry<String, Double> e : mine.entrySet()) {
      Double t = theirs.get(e.getKey());
      if (t != null && t > 0) {
        ratios.add(e.getValue() / t);
      }
    }
    return ratios.isEmpty() ? null : Stats.of(ratios);
  }

  private Map<String, Double> byRound(String suite, String impl, int threads) {
    Map<String, Double> map = new TreeMap<>();
    for (Score s : scores) {
      if (s.suite.equals(suite) && s.impl.equals(impl) && s.threads == threads) {
        map.put(s.round, s.opsPerSecond);
      }
    }
    return map;
  }

  /** The peer with the highest median in a suite at a thread count, or null. */
  public String bestPeer(String suite, int threads) {
    return impls(suite, threads).stream()
        .filter(Summary::isPeer)
        .max(Comparator.comparingDouble(i -> median(suite, i, threads)))
        .orElse(null);
  }

  private List<String> impls(String suite, int threads) {
    List<String> impls = new ArrayList<>();
    for (Score s : scores) {
      if (s.suite.equals(suite) && s.threads == threads && !impls.contains(s.impl)) {
        impls.add(s.impl);
      }
    }
    impls.sort(Comparator.comparingInt(Summary::reportOrder).thenComparing(Comparator.naturalOrder()));
    return impls;
  }

  private static int reportOrder(String impl) {
    if (impl.startsWith("idempo")) {
      return 0;
    }
    return switch (impl) {
      case "handwritten" -> 2;
      case "limit" -> 3;
      default -> 1;
    };
  }

  private Map<String, List<Integer>> groups() {
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    for (String suite : List.of("memory", "jdbc-h2", "jdbc-postgres", "jdbc-mysql", "compile")) {
      List<Integer> threads =
          scores.stream()
              .filter(s -> s.suite.equals(suite))
              .map(s -> s.threads)
              .distinct()
              .sorted()
              .collect(Collectors.toList());
      if (!threads.isEmpty()) {
        groups.put(suite, threads);
      }
    }
    return groups;
  }

  /** The whole report. */
  public String render() {
    StringBuilder out = new StringBuilder();
    long rounds = scores.stream().map(s -> s.round).distinct().count();
    out.append(String.format(Locale.ROOT, "Rounds: %d (medians over rounds; spread = largest distance from the median)%n", rounds));
    for (Map.Entry<String, List<Integer>> group : groups().entrySet()) {
      String suite = group.getKey();
      for (int threads : group.getValue()) {
        if (suite.equals("compile")) {
          renderCompile(out, threads);
        } else {
          renderRuntime(out, suite, threads);
        }
      }
    }
    renderCounts(out);
    renderCpu(out);
    renderCompileCpu(out);
    renderTargets(out);
    out.append(String.format(Locale.ROOT, "%nsuite,impl,threads,ops_per_s%n"));
    for (Map.Entry<String, List<Integer>> group : groups().entrySet()) {
      for (int threads : group.getValue()) {
        for (String impl : impls(group.getKey(), threads)) {
          out.append(
              String.format(
                  Locale.ROOT,
                  "%s,%s,%d,%.3f%n",
                  group.getKey(),
                  impl,
                  threads,
                  median(group.getKey(), impl, threads)));
        }
      }
    }
    return out.toString();
  }

  private void renderRuntime(StringBuilder out, String suite, int threads) {
    String peer = bestPeer(suite, threads);
    out.append(
        String.format(
            Locale.ROOT,
            "%n== %s, %d thread%s ==%n%-16s %14s %8s  %-22s %-22s%n",
            suite,
            threads,
            threads == 1 ? "" : "s",
            "impl",
            "deliveries/s",
            "spread",
            "vs best peer" + (peer == null ? "" : " (" + peer + ")"),
            "vs limit"));
    for (String impl : impls(suite, threads)) {
      Stats stats = Stats.of(values(suite, impl, threads));
      out.append(
          String.format(
              Locale.ROOT,
              "%-16s %,14.0f %7.1f%%  %-22s %-22s%n",
              impl,
              stats.median,
              100 * stats.spread(),
              peer == null ? "-" : formatRatio(ratio(suite, impl, peer, threads)),
              formatRatio(ratio(suite, impl, "limit", threads))));
    }
  }

  private void renderCompile(StringBuilder out, int threads) {
    out.append(
        String.format(
            Locale.ROOT,
            "%n== compile: one in-process compilation of the corpus, %d thread ==%n%-18s %14s %8s  %-30s%n",
            threads,
            "variant",
            "ms/compile",
            "spread",
            "added time vs baseline"));
    for (String impl : impls("compile", threads)) {
      Stats stats = Stats.of(values("compile", impl, threads));
      String baseline = CompileVariants.baseline(impl);
      String added = "-";
      if (baseline != null) {
        Stats r = ratio("compile", baseline, impl, threads); // time(impl)/time(baseline)
        if (r != null) {
          added =
              String.format(
                  Locale.ROOT,
                  "%+.1f%% (%+.1f..%+.1f) vs %s",
                  100 * (r.median - 1),
                  100 * (r.min - 1),
                  100 * (r.max - 1),
                  baseline);
        }
      }
      out.append(
          String.format(
              Locale.ROOT,
              "%-18s %,14.0f %7.1f%%  %s%n",
              impl,
              1000 / stats.median,
              100 * stats.spread(),
              added));
    }
  }

  private static String formatRatio(Stats r) {
    if (r == null) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.2fx (%.2f..%.2f)", r.median, r.min, r.max);
  }

  private void renderCounts(StringBuilder out) {
    if (counts.isEmpty()) {
      return;
    }
    out.append(
        String.format(
            Locale.ROOT,
            "%n== per delivery, counted (20%% duplicates, 1 thread) ==%n%-14s %-16s %10s %8s %10s %12s %12s %7s%n",
            "suite",
            "impl",
            "statements",
            "commits",
            "rollbacks",
            "pg write tx",
            "pg WAL bytes",
            "effect"));
    for (String[] c : counts) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-14s %-16s %10s %8s %10s %12s %12s %7s%n",
              c[1],
              c[2],
              c[3],
              c[4],
              c[5],
              c[6].isEmpty() ? "-" : c[6],
              c[7].isEmpty() ? "-" : c[7],
              c[8]));
    }
  }

  private void renderCpu(StringBuilder out) {
    Map<String, List<String[]>> bySuite = new LinkedHashMap<>();
    for (String[] c : cpu) {
      bySuite.computeIfAbsent(c[1], k -> new ArrayList<>()).add(c);
    }
    for (Map.Entry<String, List<String[]>> suite : bySuite.entrySet()) {
      boolean server = suite.getValue().stream().anyMatch(c -> c.length > 4 && !c[4].isEmpty());
      double limit = Double.NaN;
      for (String[] c : suite.getValue()) {
        if (c[2].equals("limit")) {
          limit = cpuTotal(c);
        }
      }
      out.append(
          String.format(
              Locale.ROOT,
              "%n== CPU time per delivery, %s, 1 thread (microseconds) ==%n",
              server ? suite.getKey() + ": this JVM's thread and the server's process" : suite.getKey() + " in memory"));
      out.append(
          server
              ? String.format(Locale.ROOT, "%-16s %10s %10s %10s %10s%n", "impl", "client", "server", "total", "vs limit")
              : String.format(Locale.ROOT, "%-16s %10s %10s%n", "impl", "total", "vs limit"));
      for (String[] c : suite.getValue()) {
        double total = cpuTotal(c);
        out.append(
            server
                ? String.format(
                    Locale.ROOT,
                    "%-16s %10.1f %10.1f %10.1f %9.2fx%n",
                    c[2],
                    Double.parseDouble(c[3]),
                    total - Double.parseDouble(c[3]),
                    total,
                    total / limit)
                : String.format(Locale.ROOT, "%-16s %10.1f %9.2fx%n", c[2], total, total / limit));
      }
    }
  }

  private void renderCompileCpu(StringBuilder out) {
    if (compileCpu.isEmpty()) {
      return;
    }
    out.append(
        String.format(
            Locale.ROOT,
            "%n== compile: CPU time per compilation of the corpus, variants in turns (ms) ==%n%-18s %10s  %s%n",
            "variant",
            "median",
            "added to its baseline: median per turn (quartiles)"));
    for (String[] c : compileCpu) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-18s %10s  %s%n",
              c[1],
              c[2],
              c[3].isEmpty() ? "" : c[4] + "% (" + c[5] + ".." + c[6] + ") to " + c[3]));
    }
  }

  /** A {@code cpu,...} line's client and server time together. */
  private static double cpuTotal(String[] line) {
    double client = Double.parseDouble(line[3]);
    return line.length > 4 && !line[4].isEmpty() ? client + Double.parseDouble(line[4]) : client;
  }

  private String[] countsOf(String suite, String impl) {
    for (String[] c : counts) {
      if (c[1].equals(suite) && c[2].equals(impl)) {
        return c;
      }
    }
    return null;
  }

  /** Each target with its figure and whether it is met. */
  public List<String> targets() {
    List<String> lines = new ArrayList<>();
    String pg = "jdbc-postgres";
    // MySQL has PostgreSQL's targets.
    for (String suite : List.of(pg, "jdbc-mysql")) {
      for (int threads : List.of(1, 4)) {
        for (String peer : DEFAULT_JDBC_PEERS) {
          target(lines, suite, "idempo-tx", peer, threads, 1.4);
        }
        for (String peer : JOINED_JDBC_PEERS) {
          target(lines, suite, "idempo-tx", peer, threads, 1.0);
        }
        handwrittenAgainstPeers(lines, suite, threads);
        target(lines, suite, "idempo-tx", "limit", threads, 0.85);
        handwrittenSplit(
            lines,
            suite,
            "idempo-tx",
            threads,
            "a hand-written event-id row in the work's transaction");
      }
    }
    target(lines, "memory", "idempo-memory", "camel-memory", 4, 3.0);
    target(lines, "memory", "idempo-memory", "limit", 4, 0.5);
    handwrittenSplit(
        lines, "memory", "idempo-memory", 4, "a hand-written map bounded to the same capacity");
    compileTarget(lines, "errorprone+check", "errorprone", 3);
    compileCpuTarget(lines, "errorprone+check", 3);
    compileSplit(
        lines, "errorprone", "errorprone+noop", "errorprone+check",
        "enabling any one method check", "the check's own work");
    compileTarget(lines, "javac+processor", "javac", 5);
    compileSplit(
        lines, "javac", "javac+filer", "javac+processor",
        "writing the same wrappers through the Filer", "the processor's own work");
    for (String suite : List.of("jdbc-h2", pg, "jdbc-mysql")) {
      String[] tx = countsOf(suite, "idempo-tx");
      String[] limit = countsOf(suite, "limit");
      if (tx != null && limit != null) {
        double addedCommits = Double.parseDouble(tx[4]) - Double.parseDouble(limit[4]);
        double addedStatements = Double.parseDouble(tx[3]) - Double.parseDouble(limit[3]);
        lines.add(
            String.format(
                Locale.ROOT,
                "%-6s %s idempo-tx adds %+.3f commits and %+.3f statements per delivery to the work alone (target: no commit, at most 1 statement)",
                addedCommits <= 0 && addedStatements <= 1 ? "met" : "MISSED",
                suite,
                addedCommits,
                addedStatements));
      }
    }
    return lines;
  }

  /**
   * How far the hand-written event-id row, the least a dedup row in the work's transaction costs,
   * gets against each peer: a ratio to a peer that it does not reach is out of reach for any such
   * row, Idempo's included.
   */
  private void handwrittenAgainstPeers(List<String> lines, String suite, int threads) {
    List<String> ratios = new ArrayList<>();
    for (String peer :
        Stream.concat(DEFAULT_JDBC_PEERS.stream(), JOINED_JDBC_PEERS.stream()).toList()) {
      Stats r = ratio(suite, "handwritten", peer, threads);
      if (r != null) {
        ratios.add(String.format(Locale.ROOT, "%.2fx %s (%.2f..%.2f)", r.median, peer, r.min, r.max));
      }
    }
    if (ratios.isEmpty()) {
      return;
    }
    lines.add(
        String.format(
            Locale.ROOT,
            "%-6s at %d thread%s a hand-written event-id row in the work's transaction reaches %s",
            "info",
            threads,
            threads == 1 ? "" : "s",
            String.join(", ", ratios)));
  }

  /**
   * Splits a throughput target against {@code limit} at {@code handwritten}, the suite's reference
   * written by hand: how far the reference gets, and how far {@code impl} gets of it.
   */
  private void handwrittenSplit(
      List<String> lines, String suite, String impl, int threads, String reference) {
    Stats floor = ratio(suite, "handwritten", "limit", threads);
    Stats own = ratio(suite, impl, "handwritten", threads);
    if (floor == null || own == null) {
      return;
    }
    lines.add(
        String.format(
            Locale.ROOT,
            "%-6s of that, at %d thread%s %s reaches %.2fx limit (%.2f..%.2f); %s reaches %.2fx"
                + " handwritten (%.2f..%.2f)",
            "info",
            threads,
            threads == 1 ? "" : "s",
            reference,
            floor.median,
            floor.min,
            floor.max,
            impl,
            own.median,
            own.min,
            own.max));
  }

  /**
   * Splits what {@code variant} adds to {@code baseline} at {@code floor}, a variant that does only
   * what any implementation must: the floor's share, and the variant's own work on top of it.
   */
  private void compileSplit(
      List<String> lines, String baseline, String floor, String variant, String floorDoes, String own) {
    Stats floorShare = ratio("compile", baseline, floor, 1);
    Stats ownShare = ratio("compile", floor, variant, 1);
    if (floorShare == null || ownShare == null) {
      return;
    }
    lines.add(
        String.format(
            Locale.ROOT,
            "%-6s of that, %s (%s) adds %+.1f%% to %s; %s adds %+.1f%% (%+.1f..%+.1f) to %s",
            "info",
            floorDoes,
            floor,
            100 * (floorShare.median - 1),
            baseline,
            own,
            100 * (ownShare.median - 1),
            100 * (ownShare.min - 1),
            100 * (ownShare.max - 1),
            floor));
  }

  /** Met at the median, met only in the best round ("spread"), or missed. */
  private static String verdict(boolean metAtMedian, boolean metInBestRound) {
    if (metAtMedian) {
      return "met";
    }
    return metInBestRound ? "spread" : "MISSED";
  }

  /**
   * The CPU time {@code variant} adds to its baseline, measured in turns by {@link
   * io.idempo.benchmarks.compile.CompileCpu}: met if the median per-turn share is under the limit,
   * "spread" if only the first quartile is.
   */
  private void compileCpuTarget(List<String> lines, String variant, double limitPercent) {
    for (String[] c : compileCpu) {
      if (c[1].equals(variant) && c.length > 6 && !c[3].isEmpty()) {
        double median = Double.parseDouble(c[4]);
        double q1 = Double.parseDouble(c[5]);
        double q3 = Double.parseDouble(c[6]);
        lines.add(
            String.format(
                Locale.ROOT,
                "%-6s %s adds %+.1f%% CPU time (quartiles %+.1f..%+.1f) to %s, per compilation in turns (target < %.0f%%)",
                verdict(median < limitPercent, q1 < limitPercent),
                variant,
                median,
                q1,
                q3,
                c[3],
                limitPercent));
      }
    }
  }

  /** The time {@code variant} adds to {@code baseline}, against a limit in percent. */
  private void compileTarget(List<String> lines, String variant, String baseline, double limitPercent) {
    Stats r = ratio("compile", baseline, variant, 1); // time(variant)/time(baseline)
    if (r == null) {
      return;
    }
    double added = 100 * (r.median - 1);
    lines.add(
        String.format(
            Locale.ROOT,
            "%-6s %s adds %+.1f%% (%+.1f..%+.1f) to %s (target < %.0f%%)",
            verdict(added < limitPercent, 100 * (r.min - 1) < limitPercent),
            variant,
            added,
            100 * (r.min - 1),
            100 * (r.max - 1),
            baseline,
            limitPercent));
  }

  private void target(List<String> lines, String suite, String impl, String other, int threads, double atLeast) {
    Stats r = ratio(suite, impl, other, threads);
    if (r == null) {
      return;
    }
    lines.add(
        String.format(
            Locale.ROOT,
            "%-6s %s %s at %d thread%s: %.2fx %s (%.2f..%.2f; target >= %.2fx)",
            verdict(r.median >= atLeast, r.max >= atLeast),
            suite,
            impl,
            threads,
            threads == 1 ? "" : "s",
            r.median,
            other,
            r.min,
            r.max,
            atLeast));
  }

  private void renderTargets(StringBuilder out) {
    List<String> lines = targets();
    if (lines.isEmpty()) {
      return;
    }
    out.append(String.format(Locale.ROOT, "%n== targets (met / spread: met within the round-to-round range / MISSED) ==%n"));
    for (String line : lines) {
      out.append(line).append(System.lineSeparator());
    }
  }

  /** For tests: the scores, in input order. */
  List<Score> scores() {
    return Collections.unmodifiableList(scores);
  }

  @Override
  public String toString() {
    return "Summary" + Arrays.asList(scores.size(), counts.size());
  }
}
