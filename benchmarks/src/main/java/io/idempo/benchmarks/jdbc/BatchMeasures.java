package io.idempo.benchmarks.jdbc;

import io.idempo.benchmarks.KeyStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What one message of suite {@code batch} costs, beside its throughput: statements, commits and
 * rollbacks per message and per batch (from a {@link CountingDataSource}, deterministic), with a
 * check of the effect (one ledger row per distinct key); and CPU time per message, the client
 * thread's and, on PostgreSQL, the server process's, measured as {@link DeliveryCpu} does: one
 * connection per implementation, the implementations in turns of {@value #BLOCK_BATCHES} batches.
 *
 * <p>Usage: {@code BatchMeasures h2|postgres BATCH_SIZES MESSAGES [IMPL...]}, sizes comma-separated;
 * {@code MESSAGES} 0 skips the CPU measurement. Prints CSV lines {@code
 * batch-counts,SUITE,IMPL,BATCH,statements_per_message,commits_per_message,rollbacks_per_message,statements_per_batch,commits_per_batch,effect}
 * and {@code batch-cpu,SUITE,IMPL,BATCH,CLIENT_US,SERVER_US} (microseconds per message).
 */
public final class BatchMeasures {

  /** Messages counted per implementation: 20 batches of 100, 200 of 10. */
  static final int COUNTED_MESSAGES = 2_000;

  /** Warm-up per implementation before its CPU time is measured. */
  static final Duration WARM_UP = Duration.ofSeconds(10);

  /** Batches measured in a row for one implementation before the next one's turn. */
  static final int BLOCK_BATCHES = 20;

  private BatchMeasures() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: BatchMeasures h2|postgres BATCH_SIZES MESSAGES [IMPL...]");
      System.exit(2);
    }
    Database.Kind kind = Database.Kind.parse(args[0]);
    List<Integer> sizes = new ArrayList<>();
    for (String size : args[1].split(",", -1)) {
      sizes.add(Integer.parseInt(size));
    }
    int messages = Integer.parseInt(args[2]);
    List<String> impls =
        args.length > 3 ? List.of(args).subList(3, args.length) : BatchDeliveries.ALL;
    for (int size : sizes) {
      for (String impl : impls) {
        System.out.println(count(kind, impl, size, COUNTED_MESSAGES).csv());
      }
    }
    if (messages > 0) {
      for (int size : sizes) {
        for (String line : cpu(kind, impls, size, messages)) {
          System.out.println(line);
        }
      }
    }
    System.exit(0);
  }

  /** The counts of one implementation. */
  public record Counts(
      String suite,
      String impl,
      int batch,
      double statementsPerMessage,
      double commitsPerMessage,
      double rollbacksPerMessage,
      boolean effectOk) {

    public double statementsPerBatch() {
      return statementsPerMessage * batch;
    }

    public double commitsPerBatch() {
      return commitsPerMessage * batch;
    }

    String csv() {
      return String.format(
          Locale.ROOT,
          "batch-counts,%s,%s,%d,%.3f,%.3f,%.3f,%.2f,%.2f,%s",
          suite,
          impl,
          batch,
          statementsPerMessage,
          commitsPerMessage,
          rollbacksPerMessage,
          statementsPerBatch(),
          commitsPerBatch(),
          effectOk ? "ok" : "WRONG");
    }
  }

  /** Delivers {@code messages} messages in batches of {@code batch} through a counter. */
  public static Counts count(Database.Kind kind, String impl, int batch, int messages)
      throws SQLException {
    KeyStream keys = KeyStream.create("c", 0, messages, 0.2, 7);
    Set<String> distinct = new HashSet<>();
    for (int i = 0; i < messages; i++) {
      distinct.add(keys.keyAt(i));
    }
    String name = "bcount_" + impl.replace('-', '_').toLowerCase(Locale.ROOT);
    try (Database db = Database.open(kind, name, 2)) {
      CountingDataSource counting = new CountingDataSource(db.dataSource());
      BatchDeliveries.BatchDelivery delivery = BatchDeliveries.create(impl, counting);
      // Warm up connections and statement caches outside the count, on keys of their own.
      KeyStream warm = KeyStream.create("w", 0, 5 * batch, 0.2, 7);
      for (int i = 0; i < warm.size(); i += batch) {
        delivery.deliver(slice(warm, i, batch));
      }
      db.truncateAll();
      counting.reset();
      int ran = 0;
      for (int i = 0; i < messages; i += batch) {
        ran += delivery.deliver(slice(keys, i, Math.min(batch, messages - i)));
      }
      boolean effectOk = ran == distinct.size() && db.ledgerRows() == distinct.size();
      return new Counts(
          kind.suite(),
          impl,
          batch,
          counting.statements() / (double) messages,
          counting.commits() / (double) messages,
          counting.rollbacks() / (double) messages,
          effectOk);
    }
  }

  private static List<String> slice(KeyStream keys, int from, int size) {
    List<String> batch = new ArrayList<>(size);
    for (int i = from; i < from + size && i < keys.size(); i++) {
      batch.add(keys.keyAt(i));
    }
    return batch;
  }

  /** One implementation under CPU measurement. */
  private static final class Subject {
    final String impl;
    final Database db;
    final BatchDeliveries.BatchDelivery delivery;
    final KeyStream keys;
    DeliveryCpu.ServerProcess server;
    int delivered;
    long clientNanos;
    long serverNanos;

    Subject(String impl, Database db, KeyStream keys) {
      this.impl = impl;
      this.db = db;
      this.delivery = BatchDeliveries.create(impl, db.dataSource());
      this.keys = keys;
    }
  }

  /** CPU per message of {@code impls} in batches of {@code batch}, as CSV lines. */
  static List<String> cpu(Database.Kind kind, List<String> impls, int batch, int messages)
      throws SQLException, IOException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    List<Subject> subjects = new ArrayList<>();
    try {
      for (String impl : impls) {
        String name = "bcpu_" + impl.replace('-', '_').toLowerCase(Locale.ROOT);
        subjects.add(
            new Subject(impl, Database.open(kind, name, 1), KeyStream.create("m", 0, messages, 0.2, 5)));
      }
      for (Subject subject : subjects) {
        long warmUntil = System.nanoTime() + WARM_UP.toNanos();
        for (int lap = 0; System.nanoTime() < warmUntil; lap++) {
          KeyStream warm = KeyStream.create("w" + lap + "-", 0, 20 * batch, 0.2, 3);
          for (int i = 0; i < warm.size(); i += batch) {
            subject.delivery.deliver(slice(warm, i, batch));
          }
        }
        if (kind == Database.Kind.POSTGRES) {
          subject.db.analyzeAll();
          subject.server = DeliveryCpu.ServerProcess.of(subject.db);
        }
      }
      int block = BLOCK_BATCHES * batch;
      for (int turn = 0; turn * block < messages; turn++) {
        int blockEnd = Math.min(messages, (turn + 1) * block);
        for (int k = 0; k < subjects.size(); k++) {
          Subject subject = subjects.get((turn + k) % subjects.size());
          long serverStart = subject.server == null ? 0 : subject.server.cpuNanos();
          long start = threads.getCurrentThreadCpuTime();
          for (; subject.delivered < blockEnd; subject.delivered += batch) {
            subject.delivery.deliver(slice(subject.keys, subject.delivered, batch));
          }
          subject.clientNanos += threads.getCurrentThreadCpuTime() - start;
          if (subject.server != null) {
            subject.serverNanos += subject.server.cpuNanos() - serverStart;
          }
        }
      }
      List<String> lines = new ArrayList<>();
      for (Subject subject : subjects) {
        lines.add(
            String.format(
                Locale.ROOT,
                "batch-cpu,%s,%s,%d,%.1f,%s",
                kind.suite(),
                subject.impl,
                batch,
                subject.clientNanos / 1_000.0 / subject.delivered,
                subject.server == null
                    ? ""
                    : String.format(
                        Locale.ROOT, "%.1f", subject.serverNanos / 1_000.0 / subject.delivered)));
      }
      return lines;
    } finally {
      for (Subject subject : subjects) {
        subject.db.close();
      }
    }
  }
}
