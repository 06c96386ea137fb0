package io.idempo.processor;

import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;

/** Reads Idempo's annotations and their attribute values from the elements javac hands over. */
final class AnnotationValues {

  private AnnotationValues() {}

  /** The {@code @IdempotentHandler} annotation on {@code method}, or null. */
  static AnnotationMirror handlerAnnotation(Element method) {
    return annotation(method, KnownTypes.HANDLER_ANNOTATION);
  }

  /** The {@code @IdempotencyKey} annotation on {@code parameter}, or null. */
  static AnnotationMirror keyAnnotation(Element parameter) {
    return annotation(parameter, KnownTypes.KEY_ANNOTATION);
  }

  /** Spring's {@code @RequestBody} on {@code parameter}, or null. */
  static AnnotationMirror requestBody(Element parameter) {
    return annotation(parameter, KnownTypes.REQUEST_BODY);
  }

  private static AnnotationMirror annotation(Element element, String name) {
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      TypeElement annotationType = (TypeElement) mirror.getAnnotationType().asElement();
      if (annotationType.getQualifiedName().contentEquals(name)) {
        return mirror;
      }
    }
    return null;
  }

  /** The value written for {@code attribute}, or null if it is left at its default. */
  static AnnotationValue explicitValue(AnnotationMirror mirror, String attribute) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry :
        mirror.getElementValues().entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals(attribute)) {
        return entry.getValue();
      }
    }
    return null;
  }

  /** The value of {@code attribute}, written or default, as a string (an enum by its name). */
  static String stringValue(Elements elements, AnnotationMirror mirror, String attribute) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry :
        elements.getElementValuesWithDefaults(mirror).entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals(attribute)) {
        Object value = entry.getValue().getValue();
        if (value instanceof VariableElement constant) {
          return constant.getSimpleName().toString();
        }
        return String.valueOf(value);
      }
    }
    throw new IllegalArgumentException("no attribute " + attribute + " on " + mirror);
  }

  /** The class of a {@code Class<?>} attribute, or null if javac could not resolve it. */
  static TypeMirror classValue(AnnotationValue value) {
    Object v = value.getValue();
    return v instanceof TypeMirror type ? type : null;
  }
}
