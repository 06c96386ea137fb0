package io.idempo.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compares the generated wrapper of every handler under {@code src/test/resources/cases/<Case>}
 * with {@code src/test/resources/goldens/<Case>.java}, and checks that handler and wrapper compile
 * with {@code -Xlint:all,-processing -Werror}.
 *
 * <p>After an intended change to the generated code, rewrite the goldens with {@code ./mvnw -pl
 * processor verify -Didempo.updateGoldens=true} and review the diff.
 */
class GoldenFileTest {

  private static final boolean UPDATE = Boolean.getBoolean("idempo.updateGoldens");

  static List<String> cases() {
    return TestSources.folders("cases");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void generatedCodeMatchesGoldenAndCompilesWithoutWarnings(String name) throws IOException {
    Compilation compilation =
        Compiler.javac()
            .withProcessors(new IdempotentHandlerProcessor())
            // Every lint but "processing", which only says that no processor claims the
            // annotations: processors should not (Error Prone's DoNotClaimAnnotations).
            .withOptions("-Xlint:all,-processing", "-Werror")
            .compile(TestSources.sources("cases", name));

    assertThat(compilation).succeededWithoutWarnings();
    List<JavaFileObject> generated = compilation.generatedSourceFiles();
    assertWithMessage("generated sources of %s", name).that(generated).isNotEmpty();
    for (JavaFileObject file : generated) {
      String actual = file.getCharContent(false).toString();
      // One golden per case, or <Case>.<Generated>.java when a case generates several classes.
      String simpleName = file.getName().replaceAll(".*/", "").replace(".java", "");
      String goldenName = generated.size() == 1 ? name : name + "." + simpleName;
      Path golden = TestSources.RESOURCES.resolve("goldens").resolve(goldenName + ".java");
      if (UPDATE) {
        Files.writeString(golden, actual, StandardCharsets.UTF_8);
        continue;
      }
      assertWithMessage("golden file %s exists (run with -Didempo.updateGoldens=true)", golden)
          .that(Files.exists(golden))
          .isTrue();
      assertWithMessage(
              "generated code of %s differs from %s; if the change is intended, rerun with"
                  + " -Didempo.updateGoldens=true",
              name,
              golden)
          .that(actual)
          .isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
      assertThat(actual).doesNotContain("\t");
    }
  }
}
