package io.idempo.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Runs Error Prone, with its default checks and warnings as errors, over every golden case and the
 * wrapper generated for it: generated code must not add findings to a user's build, even one that
 * does not exclude generated sources.
 */
class ErrorProneCleanTest {

  @Test
  void generatedCodeHasNoErrorProneFindings() {
    List<JavaFileObject> sources = new ArrayList<>();
    for (String name : TestSources.folders("cases")) {
      sources.addAll(TestSources.sources("cases", name));
    }
    Compilation compilation =
        Compiler.javac()
            .withProcessors(new IdempotentHandlerProcessor())
            .withOptions(
                "-XDcompilePolicy=simple",
                "--should-stop=ifError=FLOW",
                // PackageInfo needs a file: URI, which in-memory sources lack.
                "-Xplugin:ErrorProne -Xep:PackageInfo:OFF",
                "-Werror")
            .compile(sources);
    assertThat(compilation).succeededWithoutWarnings();
  }
}
