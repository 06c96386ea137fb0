package io.idempo.processor;

import com.google.testing.compile.JavaFileObjects;
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

  /** The names of the folders under {@code src/test/resources/<folder>}, sorted. */
  static List<String> folders(String folder) {
    try (Stream<Path> dirs = Files.list(RESOURCES.resolve(folder))) {
      return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
