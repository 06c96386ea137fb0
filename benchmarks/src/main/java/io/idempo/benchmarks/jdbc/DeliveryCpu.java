package io.idempo.benchmarks.jdbc;

import io.idempo.benchmarks.Delivery;
import io.idempo.benchmarks.KeyStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * CPU time per delivery of each JDBC implementation on H2 in memory, on one thread: the
 * implementation's own cost plus H2's, without disk or network. Measured as the thread's CPU time,
 * so other processes competing for the cores change it far less than they change throughput.
 *
 * <p>Usage: {@code DeliveryCpu [DELIVERIES [IMPL...]]}; prints CSV lines {@code
 * cpu,jdbc-h2,impl,microseconds_per_delivery}.
 */
public final class DeliveryCpu {

  private DeliveryCpu() {}

  public static void main(String[] args) throws SQLException {
    int deliveries = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    List<String> impls =
        args.length > 1 ? List.of(args).subList(1, args.length) : JdbcDeliveries.ALL;
    for (String impl : impls) {
      System.out.printf(
          Locale.ROOT, "cpu,jdbc-h2,%s,%.1f%n", impl, microsecondsPerDelivery(impl, deliveries));
    }
    System.exit(0);
  }

  /**
   * How long to deliver before measuring: the JIT compiles the JDBC stacks (the implementation's,
   * HikariCP's and H2's) for about 10 s on 2 cores, and a measurement before that counts
   * interpreted code.
   */
  static final Duration WARM_UP = Duration.ofSeconds(15);

  /** Warms up for {@link #WARM_UP}, then measures {@code deliveries} deliveries. */
  static double microsecondsPerDelivery(String impl, int deliveries) throws SQLException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (Database db =
        Database.open(Database.Kind.H2, "cpu_" + impl.replace('-', '_').toLowerCase(Locale.ROOT), 2)) {
      Delivery delivery = JdbcDeliveries.create(impl, db.dataSource());
      long warmUntil = System.nanoTime() + WARM_UP.toNanos();
      for (int lap = 0; System.nanoTime() < warmUntil; lap++) {
        KeyStream warm = KeyStream.create("w" + lap + "-", 0, deliveries, 0.2, 3);
        for (int i = 0; i < deliveries; i++) {
          delivery.deliver(warm.keyAt(i));
        }
        db.truncateAll();
      }
      KeyStream keys = KeyStream.create("m", 0, deliveries, 0.2, 5);
      long start = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < deliveries; i++) {
        delivery.deliver(keys.keyAt(i));
      }
      return (threads.getCurrentThreadCpuTime() - start) / 1_000.0 / deliveries;
    }
  }
}
