package io.idempo.processor;

import io.idempo.processor.ClassChecks.ClassShape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Checks one handler class and its {@code @IdempotentHandler} methods, collects every problem with
 * its exact place, and builds the {@link HandlerClassModel} if there are none. The checks live in
 * {@link ClassChecks} (the class as a whole), {@link MethodChecks} (each handler method, its key
 * and its {@link CodecChecks codec}); {@link ModelAssembly} puts the model together.
 */
final class HandlerValidator {

  /**
   * The outcome of validating one class: its model, or the problems found, or the names of types
   * that are not resolvable yet; and the warnings found, which do not stop the model.
   */
  record Outcome(
      Optional<HandlerClassModel> model,
      List<Problem> problems,
      List<Problem> warnings,
      Set<String> unresolved) {}

  private final TypeChecks checks;
  private final ClassChecks classChecks;
  private final MethodChecks methodChecks;
  private final ModelAssembly assembly;

  HandlerValidator(Elements elements, Types types) {
    this.checks = new TypeChecks(elements);
    this.classChecks = new ClassChecks(elements, types, checks);
    this.methodChecks = new MethodChecks(elements, types, checks);
    this.assembly = new ModelAssembly(elements, types);
  }

  /** Validates {@code type}, whose {@code methods} carry {@code @IdempotentHandler}. */
  Outcome validate(TypeElement type, List<ExecutableElement> methods) {
    ClassValidation target = new ClassValidation(type, checks.packageOf(type));
    Optional<HandlerClassModel> model = validate(target, methods);
    return new Outcome(
        target.problems.isEmpty() && target.unresolved.isEmpty() ? model : Optional.empty(),
        List.copyOf(target.problems),
        List.copyOf(target.warnings),
        Set.copyOf(target.unresolved));
  }

  private Optional<HandlerClassModel> validate(
      ClassValidation target, List<ExecutableElement> methods) {
    Optional<ClassShape> shape = classChecks.check(target, methods);
    if (shape.isEmpty()) {
      return Optional.empty();
    }
    List<HandlerMethodModel> models = new ArrayList<>();
    Map<String, ExecutableElement> byName = new LinkedHashMap<>();
    Map<String, Integer> overloads = new LinkedHashMap<>();
    for (ExecutableElement method : methods) {
      int overload = overloads.merge(method.getSimpleName().toString(), 1, Integer::sum);
      int before = target.problems.size();
      HandlerMethodModel model =
          methodChecks.check(target, method, shape.get().shape(), overload, byName);
      if (!method.getEnclosingElement().equals(target.type) && target.problems.size() > before) {
        // The superclass's own wrapper reports these on its source; here, say once why this
        // class gets no wrapper.
        String first = target.problems.get(before).message();
        target.problems.subList(before, target.problems.size()).clear();
        target.problems.add(
            Problem.on(
                target.type,
                "`"
                    + target.typeName
                    + "` inherits handler method `"
                    + method.getSimpleName()
                    + "` from `"
                    + TypeChecks.simpleNames((TypeElement) method.getEnclosingElement())
                    + "`, which its wrapper must guard too, but: "
                    + first));
      }
      if (model != null) {
        models.add(model);
      }
    }
    if (!target.problems.isEmpty() || !target.unresolved.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(assembly.assemble(target, shape.get(), methods, models));
  }

  /** Reports an {@code @IdempotencyKey} parameter of a method that is not a handler. */
  static Problem strayKeyParameter(VariableElement parameter, AnnotationMirror keyAnnotation) {
    Element method = parameter.getEnclosingElement();
    String where =
        method.getKind() == ElementKind.METHOD
            ? "`"
                + method.getSimpleName()
                + "` is not annotated @IdempotentHandler. Annotate the"
                + " method, or remove @IdempotencyKey"
            : "only parameters of @IdempotentHandler methods name a key. Remove @IdempotencyKey";
    return Problem.on(parameter, keyAnnotation, "@IdempotencyKey has no effect here: " + where);
  }
}
