package io.idempo.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the code that {@code docs/generated-code.md} shows equal to the goldens and cases it is
 * taken from: the wrapper it shows in full is the golden {@code RecordEvent.java}, the handler is
 * that case's source (without its imports), and every excerpt ({@code ...} marks a cut) appears in
 * a golden line for line, at any indentation.
 */
class GeneratedCodeDocTest {

  private static final Path DOC =
      TestSources.RESOURCES.resolve("../../../../docs/generated-code.md").normalize();

  /** A fenced Java block, possibly indented inside a list item. */
  private static final Pattern JAVA_BLOCK =
      Pattern.compile("(?m)^( *)```java\\n(.*?)^\\1```$", Pattern.DOTALL);

  /** A line of an excerpt that stands for code left out, such as {@code ... // the key}. */
  private static final Pattern CUT = Pattern.compile("^\\s*\\.\\.\\..*$");

  @Test
  void theWrapperShownInFullIsTheGolden() throws IOException {
    List<String> wrappers =
        blocks().stream().filter(b -> b.contains("public class IdempotentOrderHandler")).toList();

    assertThat(wrappers).hasSize(1);
    assertThat(wrappers.get(0))
        .isEqualTo(read(TestSources.RESOURCES.resolve("goldens/RecordEvent.java")));
  }

  @Test
  void theHandlerShownIsTheCaseWithoutItsImports() throws IOException {
    Map<String, String> cases = new LinkedHashMap<>();
    for (Path file : files(TestSources.RESOURCES.resolve("cases/RecordEvent"))) {
      cases.put(file.getFileName().toString(), withoutImports(read(file)));
    }
    List<String> shown = blocks().stream().filter(b -> b.startsWith("package ")).toList();

    // The two sources, then the generated wrapper.
    assertThat(shown).hasSize(3);
    assertThat(shown.get(0)).isEqualTo(cases.get("OrderPlaced.java"));
    assertThat(shown.get(1)).isEqualTo(cases.get("OrderHandler.java"));
  }

  @Test
  void everyExcerptAppearsInAGolden() throws IOException {
    List<List<String>> goldens = new ArrayList<>();
    for (Path golden : files(TestSources.RESOURCES.resolve("goldens"))) {
      goldens.add(read(golden).lines().toList());
    }
    List<String> excerpts = blocks().stream().filter(b -> !b.startsWith("package ")).toList();

    assertThat(excerpts).isNotEmpty();
    for (String excerpt : excerpts) {
      for (List<String> piece : pieces(excerpt)) {
        assertWithMessage(
                "this code in %s appears in no golden file; update the doc (or the golden):\n%s",
                DOC, String.join("\n", piece))
            .that(goldens.stream().anyMatch(golden -> contains(golden, piece)))
            .isTrue();
      }
    }
  }

  /** The Java blocks of the doc, without the indentation of their fence. */
  private static List<String> blocks() throws IOException {
    List<String> blocks = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(read(DOC));
    while (m.find()) {
      String indent = m.group(1);
      StringBuilder block = new StringBuilder();
      for (String line : m.group(2).lines().toList()) {
        block.append(line.startsWith(indent) ? line.substring(indent.length()) : line).append('\n');
      }
      blocks.add(block.toString());
    }
    assertWithMessage("Java blocks in %s", DOC).that(blocks).isNotEmpty();
    return blocks;
  }

  /** The runs of lines of {@code excerpt} between the cuts. */
  private static List<List<String>> pieces(String excerpt) {
    List<List<String>> pieces = new ArrayList<>();
    List<String> piece = new ArrayList<>();
    for (String line : excerpt.lines().toList()) {
      if (CUT.matcher(line).matches()) {
        if (!piece.isEmpty()) {
          pieces.add(piece);
        }
        piece = new ArrayList<>();
      } else {
        piece.add(line);
      }
    }
    if (!piece.isEmpty()) {
      pieces.add(piece);
    }
    return pieces;
  }

  /** True if {@code piece} is a run of {@code file}'s lines, all indented by the same amount. */
  private static boolean contains(List<String> file, List<String> piece) {
    for (int start = 0; start + piece.size() <= file.size(); start++) {
      String first = file.get(start);
      int shift = indentation(first) - indentation(piece.get(0));
      if (shift < 0 || !first.strip().equals(piece.get(0).strip())) {
        continue;
      }
      boolean all = true;
      for (int k = 0; k < piece.size() && all; k++) {
        String expected = piece.get(k).isEmpty() ? "" : " ".repeat(shift) + piece.get(k);
        all = file.get(start + k).equals(expected);
      }
      if (all) {
        return true;
      }
    }
    return false;
  }

  private static int indentation(String line) {
    return line.length() - line.stripLeading().length();
  }

  /** {@code source} without its import lines and the blank line that followed them. */
  private static String withoutImports(String source) {
    return source.replaceAll("(?m)^import .*\\n", "").replaceAll("\\n\\n\\n+", "\n\n");
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
