package io.idempo.benchmarks.compile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;

/**
 * The floor of any processor that generates the wrappers: in its first round it writes the very
 * sources Idempo's processor generates, captured beforehand, through the {@link
 * javax.annotation.processing.Filer}, and does nothing else. javac's share of a generating
 * processor (the Filer's checks, the extra round that enters the new sources, compiling them) is
 * the same for both, so {@code javac+processor} minus {@code javac+filer} is the time Idempo's
 * processor spends itself: finding, validating and modelling the handlers and writing the text.
 */
public final class PregeneratedSourcesProcessor extends AbstractProcessor {

  /** The sources to write; set before a compilation that names this processor. */
  private static volatile List<HandlerCorpus.Source> sources = List.of();

  private boolean written;

  /** Sets the sources that every later compilation with this processor writes. */
  static void writeInEachCompilation(List<HandlerCorpus.Source> generated) {
    sources = List.copyOf(generated);
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of("io.idempo.IdempotentHandler");
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    if (written || annotations.isEmpty()) {
      return false;
    }
    written = true;
    for (HandlerCorpus.Source source : sources) {
      try (Writer out = processingEnv.getFiler().createSourceFile(source.className()).openWriter()) {
        out.write(source.text());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + source.className(), e);
      }
    }
    return false;
  }
}
