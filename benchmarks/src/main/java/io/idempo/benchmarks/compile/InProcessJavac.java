package io.idempo.benchmarks.compile;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * Compiles a corpus in this JVM with the system javac, from memory to memory.
 *
 * <p>Annotation processors and Error Prone are loaded from this JVM's own class loader rather than
 * from a fresh class loader per compilation, as a build daemon keeps them, so repeated compilations
 * reach a steady state (the JIT keeps their compiled code). Class files are counted and dropped.
 */
public final class InProcessJavac {

  private final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
  private final List<JavaFileObject> sources;
  private final String classPath;

  /**
   * A compiler for {@code corpus}, against {@code classPath} (entries joined by the path
   * separator).
   */
  public InProcessJavac(List<HandlerCorpus.Source> corpus, String classPath) {
    if (javac == null) {
      throw new IllegalStateException(
          "no system Java compiler: run the benchmarks on a JDK, not a JRE");
    }
    this.sources = new ArrayList<>(corpus.size());
    for (HandlerCorpus.Source source : corpus) {
      sources.add(new MemorySource(source));
    }
    this.classPath = classPath;
  }

  /** The class path with the jars (or folders) that hold {@code types}. */
  public static String classPathOf(Class<?>... types) {
    List<String> entries = new ArrayList<>();
    for (Class<?> type : types) {
      try {
        String entry =
            new File(type.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
        if (!entries.contains(entry)) {
          entries.add(entry);
        }
      } catch (URISyntaxException e) {
        throw new IllegalStateException("cannot locate the classes of " + type.getName(), e);
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  /** What one compilation produced. */
  public static final class Result {
    public final long classFiles;
    public final int warnings;
    /** The sources that annotation processors generated. */
    public final List<HandlerCorpus.Source> generated;

    Result(long classFiles, int warnings, List<HandlerCorpus.Source> generated) {
      this.classFiles = classFiles;
      this.warnings = warnings;
      this.generated = generated;
    }
  }

  /**
   * Compiles the corpus with {@code options} (besides the class path and {@code -d}).
   *
   * @throws IllegalStateException if the compilation reports an error
   */
  public Result compile(List<String> options) {
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    List<String> all = new ArrayList<>(options);
    all.add("-classpath");
    all.add(classPath);
    AtomicLong classFiles = new AtomicLong();
    List<MemoryOutput> outputs = new ArrayList<>();
    try (StandardJavaFileManager standard =
            javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8);
        MemoryFileManager files = new MemoryFileManager(standard, classFiles, outputs)) {
      Boolean ok = javac.getTask(null, files, diagnostics, all, null, sources).call();
      List<String> errors = new ArrayList<>();
      int warnings = 0;
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        if (d.getKind() == Diagnostic.Kind.ERROR) {
          errors.add(d.toString());
        } else if (d.getKind() == Diagnostic.Kind.WARNING
            || d.getKind() == Diagnostic.Kind.MANDATORY_WARNING) {
          warnings++;
        }
      }
      if (!Boolean.TRUE.equals(ok) || !errors.isEmpty()) {
        throw new IllegalStateException(
            "the corpus did not compile with "
                + options
                + ": "
                + errors.subList(0, Math.min(5, errors.size())));
      }
      List<HandlerCorpus.Source> generated = new ArrayList<>();
      for (MemoryOutput output : outputs) {
        if (output.getKind() == JavaFileObject.Kind.SOURCE) {
          generated.add(
              new HandlerCorpus.Source(output.className, output.getCharContent(true).toString()));
        }
      }
      return new Result(classFiles.get(), warnings, generated);
    } catch (IOException e) {
      throw new IllegalStateException("file manager failed", e);
    }
  }

  private static final class MemorySource extends SimpleJavaFileObject {
    private final String text;

    MemorySource(HandlerCorpus.Source source) {
      super(URI.create("mem:///" + source.path()), Kind.SOURCE);
      this.text = source.text();
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return text;
    }
  }

  /** Generated sources stay in memory so later rounds and javac read them back. */
  private static final class MemoryOutput extends SimpleJavaFileObject {
    private final AtomicLong classFiles;
    final String className;
    private ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    MemoryOutput(String name, Kind kind, AtomicLong classFiles) {
      super(URI.create("mem:///out/" + name.replace('.', '/') + kind.extension), kind);
      this.classFiles = classFiles;
      this.className = name;
    }

    @Override
    public OutputStream openOutputStream() {
      if (getKind() == Kind.CLASS) {
        classFiles.incrementAndGet();
      }
      bytes = new ByteArrayOutputStream();
      return bytes;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }
  }

  private static final class MemoryFileManager extends ForwardingJavaFileManager<JavaFileManager> {
    private final AtomicLong classFiles;
    private final List<MemoryOutput> outputs;

    MemoryFileManager(JavaFileManager delegate, AtomicLong classFiles, List<MemoryOutput> outputs) {
      super(delegate);
      this.classFiles = classFiles;
      this.outputs = outputs;
    }

    @Override
    public boolean hasLocation(Location location) {
      return location == StandardLocation.ANNOTATION_PROCESSOR_PATH || super.hasLocation(location);
    }

    @Override
    public ClassLoader getClassLoader(Location location) {
      if (location == StandardLocation.ANNOTATION_PROCESSOR_PATH
          || location == StandardLocation.CLASS_PATH) {
        // Processors and Error Prone come from this JVM, loaded once: the steady state of a daemon.
        return InProcessJavac.class.getClassLoader();
      }
      return super.getClassLoader(location);
    }

    @Override
    public JavaFileObject getJavaFileForOutput(
        Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
      // Sources and classes alike stay in memory; generated sources are read back by javac.
      MemoryOutput output = new MemoryOutput(className, kind, classFiles);
      outputs.add(output);
      return output;
    }
  }
}
