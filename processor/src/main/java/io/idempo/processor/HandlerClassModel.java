package io.idempo.processor;

import com.palantir.javapoet.ClassName;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ExecutableType;

/**
 * One validated handler class: what to generate for it and from which parts.
 *
 * @param handler the handler class
 * @param generatedName the generated class, {@code Idempotent<SimpleName>} in the same package
 * @param shape a subclass, or a decorator for a final class or record
 * @param constructors the handler's non-private constructors (subclass shape only)
 * @param methods the handler methods, in source order
 * @param forwarded the interface methods a decorator forwards to its delegate unchanged
 * @param reservedNames names the generated class must not declare or shadow: the parameters of
 *     every generated method and constructor, the fields of the handler's hierarchy and its type
 *     variables
 */
record HandlerClassModel(
    TypeElement handler,
    ClassName generatedName,
    Shape shape,
    List<ExecutableElement> constructors,
    List<HandlerMethodModel> methods,
    List<ForwardedMethod> forwarded,
    Set<String> reservedNames) {

  HandlerClassModel {
    constructors = List.copyOf(constructors);
    methods = List.copyOf(methods);
    forwarded = List.copyOf(forwarded);
    reservedNames = Set.copyOf(reservedNames);
  }

  /** What the generated class is. */
  enum Shape {
    /** {@code Idempotent<Handler> extends Handler}, overriding the handler methods. */
    SUBCLASS,
    /**
     * {@code Idempotent<Handler> implements <Handler's interfaces>}, for a final class or record,
     * wrapping a delegate.
     */
    DECORATOR
  }

  /**
   * An interface method that a decorator forwards to its delegate.
   *
   * @param method the interface method
   * @param type its signature as a member of the handler class, type arguments substituted
   */
  record ForwardedMethod(ExecutableElement method, ExecutableType type) {}
}
