package io.idempo.checker;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.tools.javac.code.Attribute;
import com.sun.tools.javac.code.Kinds;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import java.util.Set;

/**
 * Which methods are message handlers: annotated with one of the {@code HandlerAnnotations}
 * (directly or through a composed annotation), or implementing one of the {@code HandlerMethods};
 * minus the methods that only replay events into an aggregate ({@code @EventSourcingHandler}, the
 * {@code ExcludedHandlerAnnotations}, and event handlers declared in an Axon aggregate).
 */
final class Handlers {

  private final NonIdempotentMutationConfig config;

  Handlers(NonIdempotentMutationConfig config) {
    this.config = config;
  }

  boolean isHandler(MethodSymbol method, VisitorState state) {
    boolean annotated = false;
    for (Attribute.Compound annotation : method.getAnnotationMirrors()) {
      String name = name(annotation);
      if (config.excludedHandlerAnnotations().contains(name)) {
        return false;
      }
      if (config.handlerAnnotations().contains(name)) {
        annotated = true;
      }
      // A composed annotation (@OrderEvents meta-annotated with @KafkaListener) marks a handler
      // too, unless it is an excluded one: Axon's @EventSourcingHandler carries @EventHandler.
      for (Attribute.Compound meta : annotation.type.tsym.getAnnotationMirrors()) {
        if (config.handlerAnnotations().contains(name(meta))) {
          annotated = true;
        }
      }
    }
    if (annotated) {
      return !isInEventSourcedAggregate(method);
    }
    if (isHandlerFactory(method) && hasAny(method, config.handlerBeanAnnotations())) {
      return true;
    }
    return implementsHandlerMethod(method, state);
  }

  /**
   * Whether the method returns a functional handler, as Spring Cloud Stream's {@code @Bean
   * Consumer<Order> orders()} does: its return type is one of {@code java.util.function}'s
   * consumers and functions. The lambda it returns, or the method it refers to, is the handler.
   */
  static boolean isHandlerFactory(MethodSymbol method) {
    return !method.getReturnType().isPrimitiveOrVoid()
        && Vocabulary.FUNCTIONAL_HANDLER_TYPES.contains(
            method.getReturnType().tsym.getQualifiedName().toString());
  }

  private boolean implementsHandlerMethod(MethodSymbol method, VisitorState state) {
    if (config.handlerMethods().isEmpty()) {
      return false;
    }
    String name = method.getSimpleName().toString();
    if (!config.handlerMethods().containsValue(name)) {
      return false;
    }
    for (MethodSymbol overridden : ASTHelpers.findSuperMethods(method, state.getTypes())) {
      if (config
          .handlerMethods()
          .containsEntry(overridden.owner.getQualifiedName().toString(), name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the method's class is an Axon aggregate ({@code @Aggregate}, {@code @AggregateRoot}, or
   * a field annotated {@code @AggregateIdentifier}): its event handlers rebuild the aggregate from
   * its own events on every load, so they are replays, not message handlers.
   */
  private static boolean isInEventSourcedAggregate(MethodSymbol method) {
    for (Symbol s = method.owner; s instanceof ClassSymbol type; s = s.owner) {
      if (hasAny(type, Vocabulary.AGGREGATE_ANNOTATIONS)) {
        return true;
      }
      // The class's own scope, filtered: getEnclosedElements would build a list of every member
      // for each handler.
      for (Symbol field : type.members().getSymbols(m -> m.kind == Kinds.Kind.VAR)) {
        if (hasAny(field, Vocabulary.AGGREGATE_ID_ANNOTATIONS)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean hasAny(Symbol symbol, Set<String> annotations) {
    for (Attribute.Compound annotation : symbol.getAnnotationMirrors()) {
      if (annotations.contains(name(annotation))) {
        return true;
      }
    }
    return false;
  }

  private static String name(Attribute.Compound annotation) {
    return annotation.type.tsym.getQualifiedName().toString();
  }
}
