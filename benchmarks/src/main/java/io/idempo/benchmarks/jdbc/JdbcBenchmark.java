package io.idempo.benchmarks.jdbc;

import io.idempo.benchmarks.Delivery;
import io.idempo.benchmarks.KeyStream;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Suites {@code jdbc-h2}, {@code jdbc-postgres} and {@code jdbc-mysql} ({@code -p
 * database=h2|postgres|mysql}): per delivery
 * one ledger insert in a transaction plus the implementation's dedup, 20% duplicates. Each trial
 * gets fresh tables; each iteration starts from empty tables and rewinds the key streams. Run the
 * thread counts with {@code -t 1} and {@code -t 4}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class JdbcBenchmark {

  /** Keys per thread: more than the fastest implementation consumes in one iteration. */
  static final int KEYS_PER_THREAD = 1 << 18;

  /** Connections in the pool: enough for 4 threads with one spare each. */
  static final int POOL_SIZE = 8;

  @Param({"h2", "postgres", "mysql"})
  public String database;

  @Param({
    JdbcDeliveries.IDEMPO_TX,
    JdbcDeliveries.IDEMPO_LEASE,
    JdbcDeliveries.CAMEL,
    JdbcDeliveries.CAMEL_TX,
    JdbcDeliveries.SPRING,
    JdbcDeliveries.SPRING_TX,
    JdbcDeliveries.HANDWRITTEN,
    JdbcDeliveries.LIMIT
  })
  public String impl;

  private Database db;
  private Delivery delivery;

  @Setup(Level.Trial)
  public void open() throws SQLException {
    db =
        Database.open(
            Database.Kind.parse(database),
            "bench_" + impl.replace('-', '_').toLowerCase(Locale.ROOT),
            POOL_SIZE);
    delivery = JdbcDeliveries.create(impl, db.dataSource());
  }

  @Setup(Level.Iteration)
  public void emptyTables() throws SQLException {
    db.truncateAll();
  }

  @TearDown(Level.Trial)
  public void close() throws SQLException {
    db.close();
  }

  /** The calling thread's keys. */
  @State(Scope.Thread)
  public static class Keys {
    KeyStream stream;

    @Setup(Level.Trial)
    public void build(ThreadParams threads) {
      stream = KeyStream.create("j", threads.getThreadIndex(), KEYS_PER_THREAD, 0.2, 42);
    }

    @Setup(Level.Iteration)
    public void rewind() {
      stream.rewind();
    }
  }

  @Benchmark
  public boolean deliver(Keys keys) {
    return delivery.deliver(keys.stream.next());
  }
}
