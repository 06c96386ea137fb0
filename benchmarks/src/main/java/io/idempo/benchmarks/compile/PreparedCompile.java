package io.idempo.benchmarks.compile;

import io.idempo.IdempotentHandler;
import io.idempo.runtime.IdempotencyStore;
import java.util.ArrayList;
import java.util.List;

/**
 * One compile variant ready to run over the corpus: its compiler and options, checked by a first
 * compilation to do its work (the processor generated a wrapper per handler, the check reported the
 * handlers that update a field, the no-op check was handed every method).
 */
record PreparedCompile(String variant, InProcessJavac javac, List<String> options) {

  static PreparedCompile of(String variant, int handlers) {
    String classPath = InProcessJavac.classPathOf(IdempotentHandler.class, IdempotencyStore.class);
    List<HandlerCorpus.Source> corpus = HandlerCorpus.generate(handlers);
    if (variant.equals(CompileVariants.JAVAC_WRAPPERS)
        || variant.equals(CompileVariants.JAVAC_FILER)) {
      List<HandlerCorpus.Source> generated =
          new InProcessJavac(corpus, classPath)
              .compile(CompileVariants.options(CompileVariants.JAVAC_PROCESSOR))
              .generated;
      if (variant.equals(CompileVariants.JAVAC_FILER)) {
        PregeneratedSourcesProcessor.writeInEachCompilation(generated);
      } else {
        corpus = new ArrayList<>(corpus);
        corpus.addAll(generated);
      }
    }
    InProcessJavac javac = new InProcessJavac(corpus, classPath);
    List<String> options = CompileVariants.options(variant);
    InProcessJavac.Result first = javac.compile(options);
    long expectedClasses =
        variant.startsWith(CompileVariants.JAVAC + "+") ? 3L * handlers : 2L * handlers;
    if (first.classFiles < expectedClasses) {
      throw new IllegalStateException(
          variant
              + " wrote "
              + first.classFiles
              + " class files, expected at least "
              + expectedClasses);
    }
    if (variant.equals(CompileVariants.ERRORPRONE_CHECK)
        && first.warnings < HandlerCorpus.mutatingHandlers(handlers)) {
      throw new IllegalStateException(
          "NonIdempotentMutation reported "
              + first.warnings
              + " warnings, expected at least "
              + HandlerCorpus.mutatingHandlers(handlers)
              + ": is the check on the class path?");
    }
    if (variant.equals(CompileVariants.ERRORPRONE_NOOP)
        && EveryMethodNoOp.methodsSeen() < handlers) {
      throw new IllegalStateException(
          "EveryMethodNoOp was handed "
              + EveryMethodNoOp.methodsSeen()
              + " methods, expected at least "
              + handlers
              + ": is it registered as an Error Prone plugin?");
    }
    return new PreparedCompile(variant, javac, options);
  }

  /** Compiles the corpus once; returns the number of class files written. */
  long compile() {
    return javac.compile(options).classFiles;
  }
}
