package io.idempo.benchmarks.jdbc;

import io.idempo.benchmarks.Delivery;
import io.idempo.benchmarks.KeyStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CPU time per delivery of JDBC implementations, on one thread: a figure that other load on the
 * machine moves less than throughput, and that a commit's wait for the disk does not enter.
 *
 * <ul>
 *   <li>On H2 in memory, the thread's CPU time: the implementation's own cost plus H2's, without
 *       disk or network.
 *   <li>On PostgreSQL, the thread's CPU time (the implementation, the pool and the driver) and,
 *       separately, the CPU time of the server process that ran the statements. Each
 *       implementation's pool holds one connection, so one server process serves all its
 *       deliveries; its time is read from {@code /proc/<pid>/schedstat}, so the server must run on
 *       this machine (the benchmarks' embedded one does).
 *   <li>On MySQL (MariaDB), the same split: the server runs each connection on a thread of its
 *       own, read from {@code /proc/<pid>/task/<tid>/schedstat}. InnoDB's background threads
 *       (purge, page flushing), like PostgreSQL's background writers, are not counted.
 * </ul>
 *
 * <p>The implementations named together are measured in one JVM, in blocks of {@value #BLOCK}
 * deliveries taken in turn, so that a slow minute of a shared machine (whose CPU time includes
 * what the host takes from it) falls on all of them alike.
 *
 * <p>Usage: {@code DeliveryCpu DATABASE [DELIVERIES [IMPL...]]}, {@code DATABASE} being {@code h2},
 * {@code postgres} or {@code mysql}; prints CSV lines {@code cpu,SUITE,IMPL,CLIENT_US,SERVER_US} in microseconds
 * per delivery, with {@code SERVER_US} empty on H2 (whose work is in the client's figure).
 */
public final class DeliveryCpu {

  /**
   * How long to deliver before measuring, per implementation: the JIT compiles the JDBC stacks
   * (the implementation's, HikariCP's and the driver's) for about 10 s on 2 cores, and a
   * measurement before that counts interpreted code.
   */
  static final Duration WARM_UP = Duration.ofSeconds(15);

  /** Deliveries measured in a row for one implementation before the next one's turn. */
  static final int BLOCK = 500;

  private static final int WARM_UP_LAP = 2_000;

  private DeliveryCpu() {}

  public static void main(String[] args) throws SQLException, IOException {
    if (args.length < 1) {
      System.err.println("usage: DeliveryCpu h2|postgres|mysql [DELIVERIES [IMPL...]]");
      System.exit(2);
    }
    Database.Kind kind = Database.Kind.parse(args[0]);
    int deliveries = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    List<String> impls =
        args.length > 2 ? List.of(args).subList(2, args.length) : JdbcDeliveries.ALL;
    Map<String, PerDelivery> measured = measure(kind, impls, deliveries);
    for (Map.Entry<String, PerDelivery> e : measured.entrySet()) {
      PerDelivery cpu = e.getValue();
      System.out.printf(
          Locale.ROOT,
          "cpu,%s,%s,%.1f,%s%n",
          kind.suite(),
          e.getKey(),
          cpu.clientMicros(),
          Double.isNaN(cpu.serverMicros())
              ? ""
              : String.format(Locale.ROOT, "%.1f", cpu.serverMicros()));
    }
    System.exit(0);
  }

  /** Microseconds of CPU per delivery: the client thread's, and the server's (NaN on H2). */
  record PerDelivery(double clientMicros, double serverMicros) {}

  /** One implementation under measurement, with what it has used so far. */
  private static final class Subject {
    final String impl;
    final Database db;
    final Delivery delivery;
    final KeyStream keys;
    ServerProcess server;
    int delivered;
    long clientNanos;
    long serverNanos;

    Subject(String impl, Database db, KeyStream keys) {
      this.impl = impl;
      this.db = db;
      this.delivery = JdbcDeliveries.create(impl, db.dataSource());
      this.keys = keys;
    }
  }

  /**
   * Warms each implementation up for {@link #WARM_UP}, then measures {@code deliveries} deliveries
   * of new keys for each, in turns of {@link #BLOCK}.
   *
   * <p>On H2 the tables are emptied after every lap of the warm-up, so memory stays bounded. On
   * PostgreSQL and MySQL the rows stay, as in a table in use, and the tables are analyzed before the
   * measurement. Otherwise a plan cached right after the server's own analysis of a table of a few
   * pages would scan it sequentially while it grows, until the next analysis, and make one
   * implementation's figure a matter of when that analysis ran.
   */
  static Map<String, PerDelivery> measure(Database.Kind kind, List<String> impls, int deliveries)
      throws SQLException, IOException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    List<Subject> subjects = new ArrayList<>();
    try {
      for (String impl : impls) {
        String name = "cpu_" + impl.replace('-', '_').toLowerCase(Locale.ROOT);
        subjects.add(
            new Subject(
                impl,
                Database.open(kind, name, 1),
                KeyStream.create("m", 0, deliveries, 0.2, 5)));
      }
      for (Subject subject : subjects) {
        warmUp(kind, subject);
      }
      for (int turn = 0; turn * BLOCK < deliveries; turn++) {
        int blockEnd = Math.min(deliveries, (turn + 1) * BLOCK);
        for (int k = 0; k < subjects.size(); k++) {
          Subject subject = subjects.get((turn + k) % subjects.size());
          long serverStart = subject.server == null ? 0 : subject.server.cpuNanos();
          long start = threads.getCurrentThreadCpuTime();
          for (; subject.delivered < blockEnd; subject.delivered++) {
            subject.delivery.deliver(subject.keys.keyAt(subject.delivered));
          }
          subject.clientNanos += threads.getCurrentThreadCpuTime() - start;
          if (subject.server != null) {
            subject.serverNanos += subject.server.cpuNanos() - serverStart;
          }
        }
      }
      Map<String, PerDelivery> measured = new LinkedHashMap<>();
      for (Subject subject : subjects) {
        if (subject.server != null && !subject.server.equals(ServerProcess.of(subject.db))) {
          throw new IllegalStateException(
              "the pool's connection changed during the measurement of " + subject.impl);
        }
        measured.put(
            subject.impl,
            new PerDelivery(
                subject.clientNanos / 1_000.0 / deliveries,
                subject.server == null
                    ? Double.NaN
                    : subject.serverNanos / 1_000.0 / deliveries));
      }
      return measured;
    } finally {
      for (Subject subject : subjects) {
        subject.db.close();
      }
    }
  }

  private static void warmUp(Database.Kind kind, Subject subject)
      throws SQLException, IOException {
    long warmUntil = System.nanoTime() + WARM_UP.toNanos();
    for (int lap = 0; System.nanoTime() < warmUntil; lap++) {
      KeyStream warm = KeyStream.create("w" + lap + "-", 0, WARM_UP_LAP, 0.2, 3);
      for (int i = 0; i < WARM_UP_LAP; i++) {
        subject.delivery.deliver(warm.keyAt(i));
      }
      if (kind == Database.Kind.H2) {
        subject.db.truncateAll();
      }
    }
    if (kind != Database.Kind.H2) {
      subject.db.analyzeAll();
      subject.server = ServerProcess.of(subject.db);
    }
  }

  /**
   * What serves the pool's only connection on the server: a PostgreSQL backend process, or a
   * MariaDB connection's thread (one thread per connection; its {@code TID} in the process list),
   * named by its {@code schedstat} file under {@code /proc}.
   */
  record ServerProcess(Path schedstat) {

    static ServerProcess of(Database db) throws SQLException, IOException {
      if (db.kind() == Database.Kind.MYSQL) {
        try (Connection connection = db.dataSource().getConnection();
            Statement statement = connection.createStatement();
            ResultSet row =
                statement.executeQuery(
                    "SELECT @@pid_file, TID FROM information_schema.PROCESSLIST"
                        + " WHERE ID = CONNECTION_ID()")) {
          row.next();
          String pid = Files.readString(Path.of(row.getString(1)), StandardCharsets.US_ASCII).trim();
          return new ServerProcess(
              Path.of("/proc", pid, "task", Long.toString(row.getLong(2)), "schedstat"));
        }
      }
      try (Connection connection = db.dataSource().getConnection();
          Statement statement = connection.createStatement();
          ResultSet row = statement.executeQuery("SELECT pg_backend_pid()")) {
        row.next();
        return new ServerProcess(Path.of("/proc", Integer.toString(row.getInt(1)), "schedstat"));
      }
    }

    /** The process's (or thread's) CPU time so far, user and system, in nanoseconds. */
    long cpuNanos() throws IOException {
      if (!Files.isReadable(schedstat)) {
        throw new IOException(
            "cannot read "
                + schedstat
                + ": the database server must run on this machine, as the embedded ones do");
      }
      // Its first field is the time the process has run on a CPU, in nanoseconds.
      String fields = Files.readString(schedstat, StandardCharsets.US_ASCII).trim();
      int end = fields.indexOf(' ');
      return Long.parseLong(end < 0 ? fields : fields.substring(0, end));
    }
  }
}
