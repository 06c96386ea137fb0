package io.idempo.processor;

import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * A compile error found by validation, with the exact place to report it: the element and, when the
 * problem is in one attribute of an annotation, that annotation and attribute, so that an IDE
 * underlines it.
 */
record Problem(
    String message, Element element, AnnotationMirror annotation, AnnotationValue value) {

  static Problem on(Element element, String message) {
    return new Problem(message, element, null, null);
  }

  static Problem on(Element element, AnnotationMirror annotation, String message) {
    return new Problem(message, element, annotation, null);
  }

  static Problem on(
      Element element, AnnotationMirror annotation, AnnotationValue value, String message) {
    return new Problem(message, element, annotation, value);
  }

  void reportTo(Messager messager) {
    messager.printMessage(Diagnostic.Kind.ERROR, message, element, annotation, value);
  }
}
