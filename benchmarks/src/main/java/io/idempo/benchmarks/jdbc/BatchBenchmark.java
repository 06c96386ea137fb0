package io.idempo.benchmarks.jdbc;

import io.idempo.benchmarks.KeyStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
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
 * Suite {@code batch}: one operation is one batch of {@code batch} messages, 20% of them
 * duplicates, processed by one of {@link BatchDeliveries}. Deliveries per second are operations
 * per second times {@code batch} ({@link io.idempo.benchmarks.report.BatchSummary} reports them).
 * Each trial gets fresh tables; each iteration starts from empty tables and rewinds the key
 * streams.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class BatchBenchmark {

  /** Keys per thread: more than the fastest implementation consumes in one iteration. */
  static final int KEYS_PER_THREAD = 1 << 18;

  @Param({"postgres"})
  public String database;

  @Param({"100", "10"})
  public int batch;

  @Param({
    BatchDeliveries.IDEMPO_BATCH,
    BatchDeliveries.IDEMPO_TX,
    BatchDeliveries.CAMEL_TX_BATCH,
    BatchDeliveries.SPRING_TX_BATCH,
    BatchDeliveries.HANDWRITTEN_BATCH
  })
  public String impl;

  private Database db;
  private BatchDeliveries.BatchDelivery delivery;

  @Setup(Level.Trial)
  public void open() throws SQLException {
    db =
        Database.open(
            Database.Kind.parse(database),
            "batch_" + impl.replace('-', '_').toLowerCase(Locale.ROOT),
            JdbcBenchmark.POOL_SIZE);
    delivery = BatchDeliveries.create(impl, db.dataSource());
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
      stream = KeyStream.create("b", threads.getThreadIndex(), KEYS_PER_THREAD, 0.2, 42);
    }

    @Setup(Level.Iteration)
    public void rewind() {
      stream.rewind();
    }

    List<String> next(int size) {
      List<String> keys = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        keys.add(stream.next());
      }
      return keys;
    }
  }

  @Benchmark
  public int deliver(Keys keys) {
    return delivery.deliver(keys.next(batch));
  }
}
