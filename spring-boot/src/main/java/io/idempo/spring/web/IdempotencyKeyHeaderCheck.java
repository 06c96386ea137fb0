package io.idempo.spring.web;

import io.idempo.IdempotentHandler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Checks the idempotency key header of a request to an {@link IdempotentHandler} controller method
 * that reads it with {@code @RequestHeader}, before the method runs: a required header that is
 * missing, or a key that is not 1 to {@code idempo.http.max-key-length} printable ASCII characters
 * (space to {@code ~}, not all blank), throws {@link IdempotencyKeyHeaderException} (400). Other
 * requests pass untouched.
 */
final class IdempotencyKeyHeaderCheck implements HandlerInterceptor {

  private final String header;
  private final int maxLength;
  private final Map<Method, Optional<Boolean>> requiredByMethod = new ConcurrentHashMap<>();

  IdempotencyKeyHeaderCheck(String header, int maxLength) {
    if (header == null || header.isBlank()) {
      throw new IllegalArgumentException("idempo.http.key-header must name a header");
    }
    if (maxLength < 1) {
      throw new IllegalArgumentException(
          "idempo.http.max-key-length must be at least 1, was " + maxLength);
    }
    this.header = header;
    this.maxLength = maxLength;
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
    if (!(handler instanceof HandlerMethod method)) {
      return true;
    }
    Optional<Boolean> required =
        requiredByMethod.computeIfAbsent(method.getMethod(), m -> readsKeyHeader(method));
    if (required.isEmpty()) {
      return true;
    }
    String key = request.getHeader(header);
    if (key == null) {
      if (required.get()) {
        throw IdempotencyKeyHeaderException.missing(header, endpoint(request, method));
      }
      return true;
    }
    String problem = problem(key);
    if (problem != null) {
      throw IdempotencyKeyHeaderException.malformed(header, endpoint(request, method), problem);
    }
    return true;
  }

  /**
   * Whether the method is an idempotent handler that reads the key header, and if so whether the
   * header is required; empty if it is not such a method.
   */
  private Optional<Boolean> readsKeyHeader(HandlerMethod method) {
    if (!AnnotatedElementUtils.hasAnnotation(method.getMethod(), IdempotentHandler.class)) {
      return Optional.empty();
    }
    for (MethodParameter parameter : method.getMethodParameters()) {
      // HandlerMethod's parameters see the annotations of the overridden handler method, which
      // the generated wrapper does not repeat.
      RequestHeader annotation = parameter.getParameterAnnotation(RequestHeader.class);
      if (annotation != null
          && (header.equalsIgnoreCase(annotation.name())
              || header.equalsIgnoreCase(annotation.value()))) {
        return Optional.of(annotation.required());
      }
    }
    return Optional.empty();
  }

  /** What is wrong with {@code key}, in words for the client; null if it is a valid key. */
  String problem(String key) {
    if (key.isBlank()) {
      return "it is empty";
    }
    if (key.length() > maxLength) {
      return "it is " + key.length() + " characters long, longer than " + maxLength;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return "it contains a character that is not printable ASCII, at index " + i;
      }
    }
    return null;
  }

  /**
   * The request and the handler method it was mapped to, for the log: {@code POST /payments
   * (PaymentsController#create)}, naming the class that declares the {@code @IdempotentHandler}
   * method rather than its generated wrapper.
   */
  private static String endpoint(HttpServletRequest request, HandlerMethod handlerMethod) {
    Method method = handlerMethod.getMethod();
    Class<?> declaring = method.getDeclaringClass();
    for (Class<?> c = declaring; c != null && c != Object.class; c = c.getSuperclass()) {
      try {
        if (c.getDeclaredMethod(method.getName(), method.getParameterTypes())
            .isAnnotationPresent(IdempotentHandler.class)) {
          declaring = c;
          break;
        }
      } catch (NoSuchMethodException e) {
        // not declared here; look further up
      }
    }
    return request.getMethod()
        + " "
        + request.getRequestURI()
        + " ("
        + declaring.getSimpleName()
        + "#"
        + method.getName()
        + ")";
  }
}
