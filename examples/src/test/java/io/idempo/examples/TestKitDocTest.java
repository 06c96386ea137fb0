package io.idempo.examples;

import static com.google.common.truth.Truth.assertWithMessage;

import com.google.common.base.Splitter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/test-kit.md} exact: every paragraph of every Java snippet there (the lines
 * between blank lines, each without its indentation) is a run of lines of a test, here or in the
 * test kit's own tests, so the snippets compile and run as they are shown.
 */
class TestKitDocTest {

  private static final Path DOC = Path.of("..", "docs", "test-kit.md");
  private static final List<Path> TESTS =
      List.of(Path.of("src", "test", "java"), Path.of("..", "test-kit", "src", "test", "java"));
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);
  private static final Pattern PARAGRAPH = Pattern.compile("\n\\s*\n");

  @Test
  void everyJavaSnippet_isTakenFromATest() throws IOException {
    List<List<String>> sources = new ArrayList<>();
    for (Path root : TESTS) {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          sources.add(trimmed(Files.readString(file, StandardCharsets.UTF_8)));
        }
      }
    }
    Matcher blocks = JAVA_BLOCK.matcher(Files.readString(DOC, StandardCharsets.UTF_8));
    int paragraphs = 0;
    while (blocks.find()) {
      for (String paragraph : Splitter.on(PARAGRAPH).split(blocks.group(1))) {
        List<String> lines = trimmed(paragraph);
        paragraphs++;
        assertWithMessage("this snippet of docs/test-kit.md is in no test:\n%s", paragraph)
            .that(sources.stream().anyMatch(source -> containsRun(source, lines)))
            .isTrue();
      }
    }
    assertWithMessage("Java snippets in docs/test-kit.md").that(paragraphs).isAtLeast(10);
  }

  private static List<String> trimmed(String text) {
    List<String> lines = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      lines.add(line.strip());
    }
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    return lines;
  }

  private static boolean containsRun(List<String> source, List<String> run) {
    return run.isEmpty() || java.util.Collections.indexOfSubList(source, run) >= 0;
  }
}
