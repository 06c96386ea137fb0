package io.idempo.processor;

import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.VariableElement;

/**
 * The check on a handler method that is an HTTP endpoint taking a request body (Spring's {@code
 * RequestBody}, known by name): without a fingerprint, a client that reuses a key with another
 * body would get the first request's response rather than an error, so the processor warns
 * (docs/http.md, "The fingerprint"). {@code @SuppressWarnings("idempo-fingerprint")} silences it.
 */
final class RequestBodyChecks {

  private RequestBodyChecks() {}

  /**
   * Warns if {@code method}, whose key path is {@code keyPath} (null if it has a problem), takes a
   * request body but names no fingerprint. Only for the class's own methods (a superclass's are
   * warned about on its own source) and single-message handlers (a batch handler cannot have a
   * fingerprint).
   */
  static void check(
      ClassValidation target,
      ExecutableElement method,
      AnnotationMirror annotation,
      KeyPath keyPath) {
    AnnotationValue fingerprint = AnnotationValues.explicitValue(annotation, "fingerprint");
    if (keyPath == null
        || keyPath.batch().isPresent()
        || (fingerprint != null
            && fingerprint.getValue() instanceof List<?> paths
            && !paths.isEmpty())
        || !method.getEnclosingElement().equals(target.type)) {
      return;
    }
    for (VariableElement parameter : method.getParameters()) {
      if (AnnotationValues.requestBody(parameter) == null) {
        continue;
      }
      if (Suppressions.isSuppressed(parameter, Suppressions.MISSING_FINGERPRINT)) {
        return;
      }
      String body = parameter.getSimpleName().toString();
      target.warnings.add(
          Problem.warning(
              method,
              annotation,
              "handler method `"
                  + method.getSimpleName()
                  + "` takes the request body `"
                  + body
                  + "` (@RequestBody) but has no fingerprint, so a client that reuses an"
                  + " idempotency key with another body gets the first request's response"
                  + " instead of an IdempotencyKeyReuseException (422). Add fingerprint = \""
                  + body
                  + "\" to @IdempotentHandler, or list the paths that identify the request, such"
                  + " as fingerprint = {\""
                  + body
                  + ".<property>\", ...}. If the first response is meant to answer any body, add"
                  + " @SuppressWarnings(\""
                  + Suppressions.MISSING_FINGERPRINT
                  + "\") to the method or its class"));
      return;
    }
  }
}
