package io.idempo.reliability;

import static com.google.common.truth.Truth.assertWithMessage;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs NonIdempotentMutation over real code, Guava's sources, with handlers widened as far as the
 * check's flags allow: every method carrying {@code @Override} ({@code HandlerAnnotations}) and
 * every implementation of common callback interfaces ({@code HandlerMethods}). The check has no
 * "every method is a handler" flag; {@code @Override} methods are the closest the flags reach.
 * The compilation must finish without an Error Prone crash; the time the check adds is reported.
 */
class CheckerRobustnessTest {

  private static final String HANDLER_METHODS =
      String.join(
          ",",
          "java.lang.Runnable#run",
          "java.util.concurrent.Callable#call",
          "java.util.function.Function#apply",
          "java.util.function.BiFunction#apply",
          "java.util.function.Consumer#accept",
          "java.util.function.Supplier#get",
          "java.util.function.Predicate#test",
          "java.util.Iterator#next",
          "java.util.Iterator#remove",
          "java.util.Map#put",
          "java.util.Collection#add",
          "java.lang.Object#toString");

  /** Quick form: one package; full form: every package of Guava. */
  private static final Pattern QUICK_SLICE = Pattern.compile("com/google/common/base/[^/]+\\.java");

  private static final Pattern FULL_SLICE =
      Pattern.compile("com/google/common/(base|primitives|math|collect|cache|io|hash|net|escape|util/concurrent|graph)/[^/]+\\.java");

  @Test
  void checkRunsOverGuavaWithoutCrashing(@TempDir Path work) throws IOException {
    File sourcesJar = classPathEntry("guava-", "-sources.jar");
    Path sources = work.resolve("src");
    // The jar's module-info.java would turn the compilation into a module compilation: leave it out.
    List<File> files = extract(sourcesJar, Sizes.ALL_GUAVA ? FULL_SLICE : QUICK_SLICE, sources);
    long overrides = 0;
    for (File f : files) {
      overrides += Files.readString(f.toPath()).split("@Override", -1).length - 1;
    }
    // Guava's dependencies, but not Guava itself: every Guava type comes from its sources.
    String classPath =
        classPathEntries().stream()
            .filter(e -> !e.getName().matches("guava-[0-9.]+-(jre|android)\\.jar"))
            .map(File::getPath)
            .collect(Collectors.joining(File.pathSeparator));

    // A canary handler the check must flag: proof that the flags reached the check.
    Path canary = sources.resolve("canary/Canary.java");
    Files.createDirectories(canary.getParent());
    Files.writeString(
        canary,
        """
        package canary;

        public class Canary implements Runnable {
          private int runs;

          @Override
          public void run() {
            runs++;
          }
        }
        """);
    List<File> withCanary = new ArrayList<>(files);
    withCanary.add(canary.toFile());
    List<String> check =
        List.of(
            "-Xep:NonIdempotentMutation:WARN",
            "-XepOpt:NonIdempotentMutation:HandlerAnnotations=java.lang.Override",
            "-XepOpt:NonIdempotentMutation:HandlerMethods=" + HANDLER_METHODS);

    String timing = "";
    if (Sizes.FULL) {
      // Warm the compiler up, then time Error Prone without and with the check.
      compile(withCanary, sources, classPath, work.resolve("warmup"), List.of());
      Result baseline = compile(withCanary, sources, classPath, work.resolve("out0"), List.of());
      assertWithMessage("baseline compilation errors").that(baseline.errors).isEmpty();
      Result checked = compile(withCanary, sources, classPath, work.resolve("out1"), check);
      timing =
          " baselineMillis="
              + baseline.millis
              + " withCheckMillis="
              + checked.millis
              + " addedMillis="
              + (checked.millis - baseline.millis);
    }
    Result checked = compile(withCanary, sources, classPath, work.resolve("out2"), check);
    assertWithMessage("compilation errors (Error Prone crashes included)").that(checked.errors).isEmpty();
    assertWithMessage("compilation succeeded").that(checked.success).isTrue();
    assertWithMessage("the canary's read-modify-write was reported").that(checked.canaryWarnings).isEqualTo(1);
    Ledger.figures(
        "checker robustness: guava source files="
            + files.size()
            + " @Override handler methods="
            + overrides
            + " guavaWarnings="
            + (checked.checkWarnings - checked.canaryWarnings)
            + " crashes=0"
            + timing);
  }

  private record Result(
      boolean success, List<String> errors, long checkWarnings, long canaryWarnings, long millis) {}

  private static Result compile(
      List<File> files, Path sourcePath, String classPath, Path out, List<String> checkOptions)
      throws IOException {
    Files.createDirectories(out);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    List<String> options = new ArrayList<>();
    options.add("-XDcompilePolicy=simple");
    options.add("--should-stop=ifError=FLOW");
    options.add("-proc:none");
    // javac keeps only the first 100 warnings by default; the canary's must not be cut off.
    options.add("-Xmaxwarns");
    options.add("1000000");
    options.add("-encoding");
    options.add("UTF-8");
    options.add("-sourcepath");
    options.add(sourcePath.toString());
    options.add("-implicit:none");
    options.add("-classpath");
    options.add(classPath);
    // Error Prone and the check are found on the processor path, as in a build.
    options.add("-processorpath");
    options.add(System.getProperty("java.class.path"));
    options.add("-d");
    options.add(out.toString());
    options.add(
        "-Xplugin:ErrorProne -XepDisableAllChecks -XepAllErrorsAsWarnings " + String.join(" ", checkOptions));
    long start = System.nanoTime();
    try (StandardJavaFileManager fileManager =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      boolean success =
          javac
              .getTask(null, fileManager, diagnostics, options, null, fileManager.getJavaFileObjectsFromFiles(files))
              .call();
      long millis = (System.nanoTime() - start) / 1_000_000;
      // Read the diagnostics while the file manager (and the sources jar it opened) is open.
      List<String> errors = new ArrayList<>();
      long checkWarnings = 0;
      long canaryWarnings = 0;
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        String message = d.getMessage(Locale.ROOT);
        if (d.getKind() == Diagnostic.Kind.ERROR || message.contains("An unhandled exception")) {
          errors.add(d.toString());
        } else if (message.contains("[NonIdempotentMutation]")) {
          checkWarnings++;
          if (d.getSource() != null && d.getSource().getName().endsWith("Canary.java")) {
            canaryWarnings++;
          }
        }
      }
      return new Result(success, errors, checkWarnings, canaryWarnings, millis);
    }
  }

  private static List<File> extract(File jar, Pattern slice, Path target) throws IOException {
    List<File> files = new ArrayList<>();
    try (ZipFile zip = new ZipFile(jar)) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        String name = entry.getName();
        if (!name.startsWith("com/") || !name.endsWith(".java")) {
          continue;
        }
        Path file = target.resolve(name);
        Files.createDirectories(file.getParent());
        try (InputStream in = zip.getInputStream(entry)) {
          Files.copy(in, file);
        }
        if (slice.matcher(name).matches() && !name.endsWith("package-info.java")) {
          files.add(file.toFile());
        }
      }
    }
    assertWithMessage("source files in the slice").that(files).isNotEmpty();
    return files;
  }

  private static List<File> classPathEntries() {
    List<File> entries = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator, -1)) {
      if (!e.isEmpty()) {
        entries.add(new File(e));
      }
    }
    return entries;
  }

  private static File classPathEntry(String prefix, String suffix) {
    for (File e : classPathEntries()) {
      if (e.getName().startsWith(prefix) && e.getName().endsWith(suffix)) {
        return e;
      }
    }
    throw new IllegalStateException("no " + prefix + "*" + suffix + " on the test class path");
  }
}
