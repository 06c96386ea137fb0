package io.idempo.benchmarks.compile;

import java.util.List;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Suite {@code compile}: one operation compiles the whole corpus (500 handlers and their events) in
 * this JVM, in steady state. Two A/B pairs, each in the same run:
 *
 * <ul>
 *   <li>{@code javac} (no annotation processing) against {@code javac+processor} (Idempo's
 *       processor generates and compiles a wrapper per handler); {@code javac+filer} and {@code
 *       javac+wrappers} split the difference (see {@link CompileVariants});
 *   <li>{@code errorprone} (Error Prone with every check disabled) against {@code
 *       errorprone+check} (the same plus {@code NonIdempotentMutation}); {@code errorprone+noop}
 *       splits the difference (see {@link CompileVariants}).
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MINUTES)
@Threads(1)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-Xms2g",
      "-Xmx2g",
      "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
      "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
      "--add-exports=jdk.compiler/com.sun.tools.javac.main=ALL-UNNAMED",
      "--add-exports=jdk.compiler/com.sun.tools.javac.model=ALL-UNNAMED",
      "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
      "--add-exports=jdk.compiler/com.sun.tools.javac.processing=ALL-UNNAMED",
      "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
      "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
      "--add-exports=jdk.compiler/com.sun.tools.javac.code=ALL-UNNAMED",
      "--add-exports=jdk.compiler/com.sun.tools.javac.comp=ALL-UNNAMED",
      "--add-opens=jdk.compiler/com.sun.tools.javac.code=ALL-UNNAMED",
      "--add-opens=jdk.compiler/com.sun.tools.javac.comp=ALL-UNNAMED"
    })
public class CompileBenchmark {

  @Param({
    CompileVariants.JAVAC,
    CompileVariants.JAVAC_PROCESSOR,
    CompileVariants.JAVAC_FILER,
    CompileVariants.JAVAC_WRAPPERS,
    CompileVariants.ERRORPRONE,
    CompileVariants.ERRORPRONE_CHECK,
    CompileVariants.ERRORPRONE_NOOP
  })
  public String impl;

  @Param({"" + HandlerCorpus.DEFAULT_HANDLERS})
  public int handlers;

  private InProcessJavac javac;
  private List<String> options;

  /**
   * Builds the corpus and compiles it once, checking that the variant did its work: the processor
   * generated a wrapper per handler, the check reported the handlers that update a field.
   */
  @Setup(Level.Trial)
  public void prepare() {
    PreparedCompile prepared = PreparedCompile.of(impl, handlers);
    javac = prepared.javac();
    options = prepared.options();
  }

  @Benchmark
  public long compile() {
    return javac.compile(options).classFiles;
  }
}
