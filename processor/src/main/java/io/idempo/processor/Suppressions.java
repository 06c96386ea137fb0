package io.idempo.processor;

import java.util.Arrays;
import javax.lang.model.element.Element;

/**
 * The processor's warnings and the {@code @SuppressWarnings} values that silence them. As with
 * javac's own lint warnings, the value may be on the element warned about or on any element that
 * encloses it (the handler method, its class, an enclosing class).
 */
final class Suppressions {

  /** A handler method with a {@code @RequestBody} parameter and no fingerprint. */
  static final String MISSING_FINGERPRINT = "idempo-fingerprint";

  private Suppressions() {}

  /** True if {@code @SuppressWarnings(name)} is on {@code element} or an element enclosing it. */
  static boolean isSuppressed(Element element, String name) {
    for (Element e = element; e != null; e = e.getEnclosingElement()) {
      SuppressWarnings suppress = e.getAnnotation(SuppressWarnings.class);
      if (suppress != null && Arrays.asList(suppress.value()).contains(name)) {
        return true;
      }
    }
    return false;
  }
}
