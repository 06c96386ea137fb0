package io.idempo.spring.web;

import io.idempo.IdempotencyKey;
import io.idempo.IdempotentHandler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Checks the header an {@link IdempotentHandler} controller method takes its key from, before the
 * method runs: the {@code @RequestHeader} parameter that its key path starts with, or that is
 * marked {@link IdempotencyKey}, whatever the header's name. A required header that is missing, or
 * a key that is not 1 to {@code idempo.http.max-key-length} printable ASCII characters (space to
 * {@code ~}, not all blank), throws {@link IdempotencyKeyHeaderException} (400). Requests to other
 * methods, and to methods whose key comes from a path variable, a parameter or the body, pass
 * untouched.
 */
final class IdempotencyKeyHeaderCheck implements HandlerInterceptor {

  /**
   * The request attribute that holds the name of the header the handler takes its key from, for
   * {@link IdempotencyProblemAdvice}'s answer to a null key; absent if the key is not a header.
   */
  static final String KEY_HEADER_ATTRIBUTE = IdempotencyKeyHeaderCheck.class.getName() + ".header";

  private static final Log log = LogFactory.getLog(IdempotencyKeyHeaderCheck.class);

  private final ParameterNameDiscoverer parameterNames;
  private final int maxLength;
  private final Map<Method, Optional<KeyHeader>> keyHeaderByMethod = new ConcurrentHashMap<>();

  /** The header a handler method takes its key from, and whether its parameter requires it. */
  private record KeyHeader(String name, boolean required) {}

  IdempotencyKeyHeaderCheck(int maxLength) {
    this(maxLength, new DefaultParameterNameDiscoverer());
  }

  /** Reads parameter names with {@code parameterNames}: for a test, one that finds none. */
  IdempotencyKeyHeaderCheck(int maxLength, ParameterNameDiscoverer parameterNames) {
    this.parameterNames = parameterNames;
    if (maxLength < 1) {
      throw new IllegalArgumentException(
          "idempo.http.max-key-length must be at least 1, was " + maxLength);
    }
    this.maxLength = maxLength;
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
    if (!(handler instanceof HandlerMethod method)) {
      return true;
    }
    Optional<KeyHeader> keyHeader =
        keyHeaderByMethod.computeIfAbsent(method.getMethod(), m -> keyHeader(method));
    if (keyHeader.isEmpty()) {
      return true;
    }
    String header = keyHeader.get().name();
    request.setAttribute(KEY_HEADER_ATTRIBUTE, header);
    String key = request.getHeader(header);
    if (key == null) {
      if (keyHeader.get().required()) {
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
   * The header {@code method} takes its idempotency key from; empty if it is not an idempotent
   * handler, or its key does not come from a header.
   */
  private Optional<KeyHeader> keyHeader(HandlerMethod method) {
    IdempotentHandler idempotent =
        AnnotatedElementUtils.findMergedAnnotation(method.getMethod(), IdempotentHandler.class);
    if (idempotent == null) {
      return Optional.empty();
    }
    // HandlerMethod's parameters see the annotations of the overridden handler method, which
    // the generated wrapper does not repeat; the names are those of the handler method too.
    MethodParameter[] parameters = method.getMethodParameters();
    Method declared = declaredHandlerMethod(method.getMethod());
    String[] names = parameterNames.getParameterNames(declared);
    MethodParameter keyParameter = null;
    String keyPath = idempotent.key();
    if (keyPath.isEmpty()) {
      for (MethodParameter parameter : parameters) {
        if (parameter.hasParameterAnnotation(IdempotencyKey.class)) {
          keyParameter = parameter;
        }
      }
    } else if (keyPath.contains("[*]")) {
      return Optional.empty(); // a batch: one key per element, not a header's value
    } else {
      String root = rootOf(keyPath);
      if (names == null) {
        if (readsAHeader(parameters)) {
          warnNoNames(method, "its key path '" + keyPath + "' starts with");
        }
        return Optional.empty();
      }
      for (int i = 0; i < names.length && i < parameters.length; i++) {
        if (names[i].equals(root)) {
          keyParameter = parameters[i];
        }
      }
    }
    if (keyParameter == null) {
      return Optional.empty();
    }
    RequestHeader annotation = keyParameter.getParameterAnnotation(RequestHeader.class);
    if (annotation == null
        || Map.class.isAssignableFrom(keyParameter.nestedIfOptional().getNestedParameterType())) {
      return Optional.empty(); // a path variable, a body, or all headers at once
    }
    String header = !annotation.name().isEmpty() ? annotation.name() : annotation.value();
    if (header.isEmpty()) {
      if (names == null) {
        warnNoNames(method, "names the header its @IdempotencyKey @RequestHeader reads");
        return Optional.empty();
      }
      header = names[keyParameter.getParameterIndex()];
    }
    return Optional.of(new KeyHeader(header, annotation.required()));
  }

  /** Whether one of {@code parameters} reads a single header, which could be the key's. */
  private static boolean readsAHeader(MethodParameter[] parameters) {
    for (MethodParameter parameter : parameters) {
      if (parameter.hasParameterAnnotation(RequestHeader.class)
          && !Map.class.isAssignableFrom(parameter.nestedIfOptional().getNestedParameterType())) {
        return true;
      }
    }
    return false;
  }

  /** The parameter a key path starts with: {@code request} in {@code request.lines[0].sku}. */
  private static String rootOf(String keyPath) {
    int end = keyPath.length();
    for (char separator : new char[] {'.', '['}) {
      int at = keyPath.indexOf(separator);
      if (at >= 0 && at < end) {
        end = at;
      }
    }
    return keyPath.substring(0, end);
  }

  private static void warnNoNames(HandlerMethod method, String what) {
    log.warn(
        "the idempotency key header of "
            + handlerName(method.getMethod())
            + " is not checked: its parameter names, which "
            + what
            + ", are not in the class file. Compile with -parameters (Spring Boot's Maven parent"
            + " and Gradle plugin do), or name the header in @RequestHeader and mark its"
            + " parameter @IdempotencyKey.");
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
    return request.getMethod()
        + " "
        + request.getRequestURI()
        + " ("
        + handlerName(handlerMethod.getMethod())
        + ")";
  }

  /** {@code PaymentsController#create}, naming the class that declares the handler method. */
  private static String handlerName(Method method) {
    return declaredHandlerMethod(method).getDeclaringClass().getSimpleName()
        + "#"
        + method.getName();
  }

  /**
   * The {@code @IdempotentHandler} method that {@code method} (the generated wrapper's override)
   * overrides, or {@code method} itself.
   */
  private static Method declaredHandlerMethod(Method method) {
    for (Class<?> c = method.getDeclaringClass(); c != null && c != Object.class; ) {
      try {
        Method declared = c.getDeclaredMethod(method.getName(), method.getParameterTypes());
        if (declared.isAnnotationPresent(IdempotentHandler.class)) {
          return declared;
        }
      } catch (NoSuchMethodException e) {
        // not declared here; look further up
      }
      c = c.getSuperclass();
    }
    return method;
  }
}
