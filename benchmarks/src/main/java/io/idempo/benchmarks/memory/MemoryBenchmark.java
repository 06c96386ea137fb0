package io.idempo.benchmarks.memory;

import io.idempo.benchmarks.Delivery;
import io.idempo.benchmarks.KeyStream;
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
 * Suite {@code memory}: claim then complete per delivery, 20% duplicates, against each in-memory
 * store. Every iteration starts with an empty store and rewinds the key streams, so unbounded
 * stores do not grow across iterations. Run the thread counts with {@code -t 1} and {@code -t 4}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 10, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 10, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class MemoryBenchmark {

  /** Keys per thread: more than the fastest implementation consumes in one iteration. */
  static final int KEYS_PER_THREAD = 1 << 20;

  @Param({
    MemoryDeliveries.IDEMPO,
    MemoryDeliveries.CAMEL,
    MemoryDeliveries.SPRING,
    MemoryDeliveries.HANDWRITTEN,
    MemoryDeliveries.LIMIT
  })
  public String impl;

  private Delivery delivery;

  @Setup(Level.Iteration)
  public void emptyStore() {
    delivery = MemoryDeliveries.create(impl);
  }

  /** The calling thread's keys. */
  @State(Scope.Thread)
  public static class Keys {
    KeyStream stream;

    @Setup(Level.Trial)
    public void build(ThreadParams threads) {
      stream = KeyStream.create("m", threads.getThreadIndex(), KEYS_PER_THREAD, 0.2, 42);
    }

    @Setup(Level.Iteration)
    public void rewind() {
      stream.rewind();
    }

    @TearDown(Level.Iteration)
    public void reportLaps() {
      if (stream.laps() > 0) {
        System.err.printf(
            "note: the key stream wrapped %d time(s) in one iteration; keys after the first lap"
                + " were built on the fly%n",
            stream.laps());
      }
    }
  }

  @Benchmark
  public boolean deliver(Keys keys) {
    return delivery.deliver(keys.stream.next());
  }
}
