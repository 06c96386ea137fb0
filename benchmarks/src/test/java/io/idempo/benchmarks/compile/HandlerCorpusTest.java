package io.idempo.benchmarks.compile;

import static com.google.common.truth.Truth.assertThat;

import io.idempo.IdempotentHandler;
import io.idempo.runtime.IdempotencyStore;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandlerCorpusTest {

  @Test
  void theCorpusIsTwoFilesPerHandlerEachHandlerAnnotated() {
    List<HandlerCorpus.Source> corpus = HandlerCorpus.generate(HandlerCorpus.DEFAULT_HANDLERS);
    assertThat(corpus).hasSize(1_000);
    long handlers =
        corpus.stream()
            .filter(s -> s.text().contains("@IdempotentHandler(key = \"event.id\")"))
            .count();
    assertThat(handlers).isEqualTo(500);
    assertThat(HandlerCorpus.mutatingHandlers(500)).isEqualTo(50);
  }

  @Test
  void theProcessorGeneratesAndCompilesAWrapperPerHandler() {
    // A slice of the corpus keeps the test fast; every handler has one of ten shapes.
    List<HandlerCorpus.Source> corpus = HandlerCorpus.generate(20);
    InProcessJavac javac =
        new InProcessJavac(
            corpus, InProcessJavac.classPathOf(IdempotentHandler.class, IdempotencyStore.class));

    InProcessJavac.Result processed =
        javac.compile(CompileVariants.options(CompileVariants.JAVAC_PROCESSOR));

    assertThat(processed.generated).hasSize(20);
    assertThat(processed.generated.get(0).className()).contains(".IdempotentHandler0");
    assertThat(processed.classFiles).isAtLeast(60);
  }

  @Test
  void theFilerFloorWritesTheSameWrappersWithoutIdemposProcessor() {
    List<HandlerCorpus.Source> corpus = HandlerCorpus.generate(20);
    InProcessJavac javac =
        new InProcessJavac(
            corpus, InProcessJavac.classPathOf(IdempotentHandler.class, IdempotencyStore.class));
    List<HandlerCorpus.Source> wrappers =
        javac.compile(CompileVariants.options(CompileVariants.JAVAC_PROCESSOR)).generated;

    PregeneratedSourcesProcessor.writeInEachCompilation(wrappers);
    List<String> options = CompileVariants.options(CompileVariants.JAVAC_FILER);
    InProcessJavac.Result floor = javac.compile(options);

    assertThat(options).doesNotContain(CompileVariants.PROCESSOR);
    assertThat(floor.generated).hasSize(20);
    for (int i = 0; i < wrappers.size(); i++) {
      assertThat(floor.generated.get(i).text()).isEqualTo(wrappers.get(i).text());
    }
    assertThat(floor.classFiles).isAtLeast(60);
  }

  @Test
  void theNoOpCheckIsHandedEveryMethodAndReportsNothingWhereTheCheckReports() {
    List<HandlerCorpus.Source> corpus = HandlerCorpus.generate(20);
    InProcessJavac javac =
        new InProcessJavac(
            corpus, InProcessJavac.classPathOf(IdempotentHandler.class, IdempotencyStore.class));
    long seenBefore = EveryMethodNoOp.methodsSeen();

    InProcessJavac.Result noop = javac.compile(CompileVariants.options(CompileVariants.ERRORPRONE_NOOP));
    InProcessJavac.Result check =
        javac.compile(CompileVariants.options(CompileVariants.ERRORPRONE_CHECK));

    assertThat(EveryMethodNoOp.methodsSeen() - seenBefore).isAtLeast(20);
    assertThat(noop.warnings).isEqualTo(0);
    assertThat(check.warnings).isAtLeast(HandlerCorpus.mutatingHandlers(20));
  }

  @Test
  void unknownVariantIsNamed() {
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> CompileVariants.options("javac+check"));
    assertThat(e).hasMessageThat().contains("'javac+check'");
  }
}
