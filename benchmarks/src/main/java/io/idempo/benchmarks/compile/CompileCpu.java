package io.idempo.benchmarks.compile;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * CPU time per compilation of the corpus, for compile variants measured in one JVM, in turns: the
 * figure that decides whether the check stays under its share of an Error Prone compile on a
 * machine that other work shares. Throughput (the JMH suite) moves with every other process; the
 * CPU time of the compiling thread moves far less, and variants measured in turns meet the same
 * machine. (The process's CPU time would add the collector's and the JIT's, but Linux counts it in
 * 10 ms ticks, 3% of one compilation.)
 *
 * <p>Each variant first compiles in turn with the others for {@link #WARM_UP} in all (C2 compiles
 * javac's and Error Prone's largest methods late on 2 cores). Then each turn compiles every
 * variant once, starting with a different one each turn, and records the CPU time of each
 * compilation. The added cost of a variant over its baseline is the median over turns of the
 * per-turn ratio, with the quartiles as its spread.
 *
 * <p>Usage: {@code CompileCpu [TURNS [VARIANT...]]} (default 40 turns of {@code errorprone},
 * {@code errorprone+check} and {@code errorprone+noop}); prints CSV lines {@code
 * compile-cpu,VARIANT,MS_MEDIAN,BASELINE,ADDED_MEDIAN_PCT,ADDED_Q1_PCT,ADDED_Q3_PCT}, the last four
 * empty for a baseline.
 */
public final class CompileCpu {

  static final Duration WARM_UP = Duration.ofSeconds(90);

  private CompileCpu() {}

  public static void main(String[] args) {
    int turns = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    List<String> variants =
        args.length > 1
            ? List.of(args).subList(1, args.length)
            : List.of(
                CompileVariants.ERRORPRONE,
                CompileVariants.ERRORPRONE_CHECK,
                CompileVariants.ERRORPRONE_NOOP);
    if (variants.contains(CompileVariants.JAVAC_FILER) && variants.size() > 1) {
      // Its processor writes captured sources into every compilation of this JVM.
      System.err.println("javac+filer must be measured alone: its processor is JVM-wide");
      System.exit(2);
    }
    List<PreparedCompile> prepared = new ArrayList<>();
    for (String variant : variants) {
      prepared.add(PreparedCompile.of(variant, HandlerCorpus.DEFAULT_HANDLERS));
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long warmUntil = System.nanoTime() + WARM_UP.toNanos();
    while (System.nanoTime() < warmUntil) {
      for (PreparedCompile p : prepared) {
        p.compile();
      }
    }
    double[][] millis = new double[prepared.size()][turns];
    for (int turn = 0; turn < turns; turn++) {
      for (int k = 0; k < prepared.size(); k++) {
        int v = (turn + k) % prepared.size();
        long start = threads.getCurrentThreadCpuTime();
        prepared.get(v).compile();
        millis[v][turn] = (threads.getCurrentThreadCpuTime() - start) / 1e6;
      }
    }
    for (int v = 0; v < prepared.size(); v++) {
      String variant = prepared.get(v).variant();
      String baseline = CompileVariants.baseline(variant);
      int b = baseline == null ? -1 : variants.indexOf(baseline);
      StringBuilder line =
          new StringBuilder(
              String.format(Locale.ROOT, "compile-cpu,%s,%.1f,", variant, median(millis[v])));
      if (b >= 0 && b != v) {
        double[] added = new double[turns];
        for (int turn = 0; turn < turns; turn++) {
          added[turn] = (millis[v][turn] / millis[b][turn] - 1) * 100;
        }
        Arrays.sort(added);
        line.append(
            String.format(
                Locale.ROOT,
                "%s,%.2f,%.2f,%.2f",
                baseline,
                median(added),
                added[turns / 4],
                added[(3 * turns) / 4]));
      } else {
        line.append(",,,");
      }
      System.out.println(line);
    }
    System.exit(0);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
