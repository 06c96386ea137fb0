package io.idempo.spring;

import io.idempo.IdempotentHandler;
import java.lang.reflect.Method;
import java.util.Optional;

/**
 * What the starter knows of handler classes and their generated wrappers: which classes have
 * {@link IdempotentHandler} methods, and the name the processor gives a class's wrapper ({@code
 * Idempotent<SimpleName>}, {@code Idempotent<Outer>_<Inner>} for a nested class, in the same
 * package, as {@link IdempotentHandler}'s documentation states).
 */
final class HandlerTypes {

  private static final String WRAPPER_PREFIX = "Idempotent";

  private HandlerTypes() {}

  /** True if {@code type} declares at least one {@link IdempotentHandler} method. */
  static boolean declaresHandlerMethods(Class<?> type) {
    for (Method method : type.getDeclaredMethods()) {
      if (method.isAnnotationPresent(IdempotentHandler.class)) {
        return true;
      }
    }
    return false;
  }

  /** The nearest superclass of {@code type} (or itself) that declares handler methods. */
  static Optional<Class<?>> handlerClass(Class<?> type) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      if (declaresHandlerMethods(c)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** The binary name of the wrapper the processor generates for {@code handler}. */
  static String wrapperName(Class<?> handler) {
    StringBuilder simpleNames = new StringBuilder(handler.getSimpleName());
    for (Class<?> outer = handler.getEnclosingClass();
        outer != null;
        outer = outer.getEnclosingClass()) {
      simpleNames.insert(0, outer.getSimpleName() + "_");
    }
    String packageName = handler.getPackageName();
    return (packageName.isEmpty() ? "" : packageName + ".") + WRAPPER_PREFIX + simpleNames;
  }

  /** True if {@code type}, or a superclass of it, is a generated wrapper of its own superclass. */
  static boolean isWrapped(Class<?> type) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      Class<?> superclass = c.getSuperclass();
      if (superclass != null
          && superclass != Object.class
          && c.getName().equals(wrapperName(superclass))) {
        return true;
      }
    }
    return false;
  }

  /** The generated wrapper of {@code handler}, if it is on the class path. */
  static Optional<Class<?>> wrapper(Class<?> handler, ClassLoader classLoader) {
    try {
      Class<?> wrapper = Class.forName(wrapperName(handler), false, classLoader);
      return Optional.of(wrapper);
    } catch (ClassNotFoundException | LinkageError e) {
      return Optional.empty();
    }
  }

  /** What a build needs so that the processor writes wrappers, for error messages. */
  static String processorSetup() {
    return "Put the Idempo annotation processor on the compiler's processor path (Maven:"
        + " io.idempo:idempo-processor in the maven-compiler-plugin's <annotationProcessorPaths>;"
        + " Gradle: annotationProcessor \"io.idempo:idempo-processor\") and rebuild";
  }
}
