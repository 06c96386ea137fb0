package io.idempo.benchmarks.jdbc;

import io.idempo.benchmarks.Delivery;
import io.idempo.benchmarks.KeyStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

/**
 * Counts, for each JDBC implementation, what one delivery costs the database: statements, commits
 * and rollbacks, from a {@link CountingDataSource}, and on PostgreSQL also the server's own count
 * of writing transactions (its transaction id counter), the commits that wait for a WAL flush, and
 * the bytes of WAL written (how far its write position moved). Deterministic, unlike throughput.
 * Also checks the effect: the ledger must hold one row per distinct key (one per delivery for the
 * limit, which does not deduplicate).
 *
 * <p>Usage: {@code DeliveryCounts [h2|postgres|h2,postgres [IMPL...]]}; prints CSV lines {@code
 * counts,suite,impl,statements_per_delivery,commits_per_delivery,rollbacks_per_delivery,pg_write_transactions_per_delivery,pg_wal_bytes_per_delivery,effect}.
 */
public final class DeliveryCounts {

  /** Deliveries per implementation: enough that the per-delivery figures settle. */
  static final int DELIVERIES = 500;

  /** What one implementation cost. */
  public static final class Result {
    public final String suite;
    public final String impl;
    public final double statements;
    public final double commits;
    public final double rollbacks;
    /**
     * Transactions per delivery that wrote (PostgreSQL's transaction ids), or NaN on H2: the commits
     * that wait for a WAL flush.
     */
    public final double serverWrites;

    /** Bytes of WAL per delivery (PostgreSQL), or NaN on H2. */
    public final double walBytes;

    public final boolean effectOk;

    Result(
        String suite,
        String impl,
        double statements,
        double commits,
        double rollbacks,
        double serverWrites,
        double walBytes,
        boolean effectOk) {
      this.suite = suite;
      this.impl = impl;
      this.statements = statements;
      this.commits = commits;
      this.rollbacks = rollbacks;
      this.serverWrites = serverWrites;
      this.walBytes = walBytes;
      this.effectOk = effectOk;
    }

    /** The CSV line. */
    public String csv() {
      return String.format(
          Locale.ROOT,
          "counts,%s,%s,%.3f,%.3f,%.3f,%s,%s,%s",
          suite,
          impl,
          statements,
          commits,
          rollbacks,
          Double.isNaN(serverWrites) ? "" : String.format(Locale.ROOT, "%.3f", serverWrites),
          Double.isNaN(walBytes) ? "" : String.format(Locale.ROOT, "%.0f", walBytes),
          effectOk ? "ok" : "WRONG");
    }
  }

  private DeliveryCounts() {}

  public static void main(String[] args) throws Exception {
    List<String> databases = args.length == 0 ? List.of("h2", "postgres") : List.of(args[0].split(","));
    List<String> impls =
        args.length <= 1 ? JdbcDeliveries.ALL : List.of(args).subList(1, args.length);
    for (String name : databases) {
      for (String impl : impls) {
        System.out.println(count(Database.Kind.parse(name), impl, DELIVERIES).csv());
      }
    }
    System.exit(0);
  }

  /** Runs {@code deliveries} deliveries of implementation {@code impl} on one thread and counts. */
  public static Result count(Database.Kind kind, String impl, int deliveries) throws SQLException {
    KeyStream keys = KeyStream.create("c", 0, deliveries, 0.2, 7);
    int distinct = 0;
    for (int i = 0; i < deliveries; i++) {
      if (!keys.isDuplicate(i)) {
        distinct++;
      }
    }
    try (Database db =
        Database.open(kind, "count_" + impl.replace('-', '_').toLowerCase(Locale.ROOT), 2)) {
      CountingDataSource counting = new CountingDataSource(db.dataSource());
      Delivery delivery = JdbcDeliveries.create(impl, counting);
      // Warm up connections and statement caches outside the count, on keys of their own.
      KeyStream warm = KeyStream.create("w", 0, 50, 0.2, 7);
      for (int i = 0; i < warm.size(); i++) {
        delivery.deliver(warm.keyAt(i));
      }
      db.truncateAll();
      counting.reset();
      long[] serverBefore = serverPosition(db);
      int ran = 0;
      for (int i = 0; i < deliveries; i++) {
        if (delivery.deliver(keys.keyAt(i))) {
          ran++;
        }
      }
      long statements = counting.statements();
      long commits = counting.commits();
      long rollbacks = counting.rollbacks();
      long[] serverAfter = serverPosition(db);
      // The "before" reading took one transaction id itself.
      double server =
          serverBefore == null
              ? Double.NaN
              : (serverAfter[0] - serverBefore[0] - 1) / (double) deliveries;
      double wal =
          serverBefore == null
              ? Double.NaN
              : (serverAfter[1] - serverBefore[1]) / (double) deliveries;
      long expected = impl.equals(JdbcDeliveries.LIMIT) ? deliveries : distinct;
      boolean effectOk = db.ledgerRows() == expected && ran == expected;
      return new Result(
          kind.suite(),
          impl,
          statements / (double) deliveries,
          commits / (double) deliveries,
          rollbacks / (double) deliveries,
          server,
          wal,
          effectOk);
    }
  }

  /**
   * PostgreSQL's transaction id counter, which advances once per transaction that writes (and so
   * flushes WAL at commit), and its WAL write position in bytes; null on H2. Reading them takes
   * one transaction id and writes its commit record, a few dozen bytes.
   */
  private static long[] serverPosition(Database db) throws SQLException {
    if (db.kind() != Database.Kind.POSTGRES) {
      return null;
    }
    try (Connection connection = EmbeddedPostgresServer.get().adminConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT txid_current(), pg_current_wal_insert_lsn() - '0/0'::pg_lsn")) {
      rows.next();
      return new long[] {rows.getLong(1), rows.getLong(2)};
    }
  }
}
