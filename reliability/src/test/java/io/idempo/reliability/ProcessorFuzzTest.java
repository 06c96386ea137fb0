package io.idempo.reliability;

import static com.google.common.truth.Truth.assertWithMessage;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import io.idempo.IdempotentHandler;
import io.idempo.processor.IdempotentHandlerProcessor;
import io.idempo.runtime.IdempotencyStore;
import java.io.File;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Compiles random handler sources ({@link HandlerSourceGenerator}) with Idempo's processor: the
 * processor never fails internally, every invalid case gets an error with a source position, and
 * every valid case compiles, wrapper included, without a single warning under {@code -Xlint:all}.
 */
class ProcessorFuzzTest {

  @Test
  void processorHandlesRandomValidAndInvalidHandlers() {
    HandlerSourceGenerator generator = new HandlerSourceGenerator(Sizes.SEED);
    List<String> findings = new ArrayList<>();
    int valid = 0;
    int invalid = 0;
    long start = System.nanoTime();
    for (int i = 0; i < Sizes.FUZZ_CASES; i++) {
      HandlerSourceGenerator.Case c = generator.next(i);
      String problem = check(c);
      if (problem != null) {
        findings.add(c + ": " + problem + "\n" + render(c.sources()));
      }
      if (c.valid()) {
        valid++;
      } else {
        invalid++;
      }
    }
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    assertWithMessage("%s of %s fuzz cases went wrong:\n%s", findings.size(), Sizes.FUZZ_CASES, String.join("\n", findings))
        .that(findings)
        .isEmpty();
    Ledger.figures(
        "processor fuzz: cases="
            + Sizes.FUZZ_CASES
            + " valid="
            + valid
            + " invalid="
            + invalid
            + " processorCrashes=0 invalidWithoutPositionedError=0 wrapperWarnings=0 seconds="
            + seconds);
  }

  /**
   * Only what handler code needs: the annotations and the runtime the wrapper calls. The test JVM's
   * own class path (Error Prone, embedded PostgreSQL binaries) would make each compilation scan
   * dozens of large jars.
   */
  private static final List<File> CLASS_PATH =
      List.of(location(IdempotentHandler.class), location(IdempotencyStore.class));

  private static File location(Class<?> type) {
    try {
      return new File(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Returns what went wrong with the case, or null. */
  static String check(HandlerSourceGenerator.Case c) {
    List<JavaFileObject> files = new ArrayList<>();
    for (Map.Entry<String, String> source : c.sources().entrySet()) {
      files.add(JavaFileObjects.forSourceString(source.getKey(), source.getValue()));
    }
    Compilation compilation;
    try {
      compilation =
          com.google.testing.compile.Compiler.javac()
              .withProcessors(new IdempotentHandlerProcessor())
              .withOptions("-Xlint:all,-processing")
              .withClasspath(CLASS_PATH)
              .compile(files);
    } catch (RuntimeException e) {
      return "the compiler or processor threw " + e;
    }
    for (Diagnostic<? extends JavaFileObject> d : compilation.diagnostics()) {
      String message = d.getMessage(Locale.ROOT);
      if (message.contains("bug in the processor") || message.contains("Exception")) {
        return "internal processor failure: " + message;
      }
    }
    if (c.valid()) {
      if (compilation.status() != Compilation.Status.SUCCESS) {
        return "a valid handler was rejected: " + compilation.errors();
      }
      if (!compilation.warnings().isEmpty()) {
        return "warnings: " + compilation.warnings();
      }
      if (compilation.generatedSourceFile(c.wrapperName()).isEmpty()) {
        return "no wrapper " + c.wrapperName() + " was generated; generated: " + compilation.generatedSourceFiles();
      }
      return null;
    }
    if (compilation.status() == Compilation.Status.SUCCESS) {
      return "an invalid handler was accepted (" + c.defect() + ")";
    }
    for (Diagnostic<? extends JavaFileObject> error : compilation.errors()) {
      if (error.getSource() != null && error.getLineNumber() != Diagnostic.NOPOS) {
        return null;
      }
    }
    return "no error has a source position: " + compilation.errors();
  }

  private static String render(Map<String, String> sources) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> source : sources.entrySet()) {
      out.append("// ").append(source.getKey()).append('\n').append(source.getValue());
    }
    return out.toString();
  }
}
