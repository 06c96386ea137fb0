package io.idempo.processor;

import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * A compile error (or, from {@link #warning}, a warning) found by validation, with the exact place
 * to report it: the element and, when the problem is in one attribute of an annotation, that
 * annotation and attribute, so that an IDE underlines it.
 */
record Problem(
    Diagnostic.Kind kind,
    String message,
    Element element,
    AnnotationMirror annotation,
    AnnotationValue value) {

  static Problem on(Element element, String message) {
    return new Problem(Diagnostic.Kind.ERROR, message, element, null, null);
  }

  static Problem on(Element element, AnnotationMirror annotation, String message) {
    return new Problem(Diagnostic.Kind.ERROR, message, element, annotation, null);
  }

  static Problem on(
      Element element, AnnotationMirror annotation, AnnotationValue value, String message) {
    return new Problem(Diagnostic.Kind.ERROR, message, element, annotation, value);
  }

  /**
   * A warning on {@code annotation} of {@code element}: the code compiles and its wrapper is
   * generated, but probably does not do what its author meant. Each warning names the
   * {@code @SuppressWarnings} value that silences it ({@link Suppressions}).
   */
  static Problem warning(Element element, AnnotationMirror annotation, String message) {
    return new Problem(Diagnostic.Kind.WARNING, message, element, annotation, null);
  }

  void reportTo(Messager messager) {
    messager.printMessage(kind, message, element, annotation, value);
  }
}
