package io.idempo.processor;

import com.google.common.base.Splitter;
import com.google.testing.compile.JavaFileObjects;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;

/** Reads the handler sources under {@code src/test/resources}. */
final class TestSources {

  /** The module's test resources, on disk (golden files are rewritten there). */
  static final Path RESOURCES =
      Path.of(System.getProperty("basedir", "."), "src", "test", "resources");

  private TestSources() {}

  /** The Java sources of {@code src/test/resources/<folder>/<name>}, sorted by file name. */
  static List<JavaFileObject> sources(String folder, String name) {
    Path dir = RESOURCES.resolve(folder).resolve(name);
    try (Stream<Path> files = Files.list(dir)) {
      List<JavaFileObject> sources = new ArrayList<>();
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String packageName = text.replaceFirst("(?s)^.*?package\\s+([\\w.]+)\\s*;.*$", "$1");
        String simpleName = file.getFileName().toString().replace(".java", "");
        sources.add(JavaFileObjects.forSourceString(packageName + "." + simpleName, text));
      }
      return sources;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Jackson 3's jars, as {@link #classpathWithout} matches them. */
  static final String JACKSON_3 = "/tools/jackson/";

  /** Jackson 2's jars (databind, core, the datatype modules). */
  static final String JACKSON_2 = "/com/fasterxml/jackson/core/jackson-databind/";

  static final String JACKSON_2_JAVA_TIME = "/jackson-datatype-jsr310/";

  /**
   * The test classpath without the jars whose paths contain any of {@code parts}, for compiling
   * as an application would that lacks a library.
   */
  static List<File> classpathWithout(String... parts) {
    List<File> classpath = new ArrayList<>();
    for (String entry :
        Splitter.on(File.pathSeparatorChar).split(System.getProperty("java.class.path"))) {
      String path = entry.replace(File.separatorChar, '/');
      if (Stream.of(parts).noneMatch(path::contains)) {
        classpath.add(new File(entry));
      }
    }
    return classpath;
  }

  /** The names of the folders under {@code src/test/resources/<folder>}, sorted. */
  static List<String> folders(String folder) {
    try (Stream<Path> dirs = Files.list(RESOURCES.resolve(folder))) {
      return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
