package io.idempo.processor;

import io.idempo.processor.ClassChecks.ClassShape;
import io.idempo.processor.HandlerClassModel.ForwardedMethod;
import io.idempo.processor.HandlerClassModel.Shape;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.TypeParameterElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Builds the {@link HandlerClassModel} of a class whose checks passed: the methods a decorator
 * forwards, and the names the generated class must leave alone.
 */
final class ModelAssembly {

  private final Elements elements;
  private final Types types;

  ModelAssembly(Elements elements, Types types) {
    this.elements = elements;
    this.types = types;
  }

  /**
   * The model of {@code target}, shaped as {@code shape}, whose handler methods are {@code methods}
   * with the checked {@code models}.
   */
  HandlerClassModel assemble(
      ClassValidation target,
      ClassShape shape,
      List<ExecutableElement> methods,
      List<HandlerMethodModel> models) {
    List<ForwardedMethod> forwarded =
        shape.shape() == Shape.DECORATOR ? forwardedMethods(target, methods) : List.of();
    return new HandlerClassModel(
        target.type,
        target.wrapperName(),
        shape.shape(),
        shape.constructors(),
        models,
        forwarded,
        reservedNames(target, shape.constructors(), methods, forwarded));
  }

  /** The interface methods a decorator forwards unchanged: all but the handler methods. */
  private List<ForwardedMethod> forwardedMethods(
      ClassValidation target, List<ExecutableElement> handlerMethods) {
    DeclaredType self = (DeclaredType) target.type.asType();
    List<ForwardedMethod> out = new ArrayList<>();
    for (ExecutableElement method : target.interfaceMethods()) {
      boolean handled = false;
      for (ExecutableElement handler : handlerMethods) {
        if (handler.getSimpleName().contentEquals(method.getSimpleName())
            && elements.overrides(handler, method, target.type)) {
          handled = true;
        }
      }
      ExecutableType asMember = (ExecutableType) types.asMemberOf(self, method);
      for (ForwardedMethod kept : out) {
        if (kept.method().getSimpleName().contentEquals(method.getSimpleName())
            && (types.isSubsignature(kept.type(), asMember)
                || types.isSubsignature(asMember, kept.type()))) {
          handled = true;
        }
      }
      if (!handled) {
        out.add(new ForwardedMethod(method, asMember));
      }
    }
    return out;
  }

  /**
   * Names that generated fields, constants and locals must avoid: every parameter and type variable
   * the generated class declares, and every field of the handler's class hierarchy.
   */
  private Set<String> reservedNames(
      ClassValidation target,
      List<ExecutableElement> constructors,
      List<ExecutableElement> methods,
      List<ForwardedMethod> forwarded) {
    Set<String> names = new HashSet<>();
    List<ExecutableElement> executables = new ArrayList<>(constructors);
    executables.addAll(methods);
    for (ForwardedMethod f : forwarded) {
      executables.add(f.method());
    }
    for (ExecutableElement executable : executables) {
      for (VariableElement parameter : executable.getParameters()) {
        names.add(parameter.getSimpleName().toString());
      }
      for (TypeParameterElement typeParameter : executable.getTypeParameters()) {
        names.add(typeParameter.getSimpleName().toString());
      }
    }
    for (TypeParameterElement typeParameter : target.type.getTypeParameters()) {
      names.add(typeParameter.getSimpleName().toString());
    }
    for (TypeElement t = target.type; t != null; t = superclass(t)) {
      for (VariableElement field : ElementFilter.fieldsIn(t.getEnclosedElements())) {
        names.add(field.getSimpleName().toString());
      }
    }
    return names;
  }

  private TypeElement superclass(TypeElement t) {
    TypeMirror superclass = t.getSuperclass();
    return superclass.getKind() == TypeKind.DECLARED
        ? (TypeElement) ((DeclaredType) superclass).asElement()
        : null;
  }
}
