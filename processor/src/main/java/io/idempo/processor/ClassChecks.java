package io.idempo.processor;

import io.idempo.processor.HandlerClassModel.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * The checks on a handler class as a whole: what kind of type it is, whether a generated class can
 * extend or implement it, and which of its constructors a subclass can call. They decide the
 * wrapper's {@link Shape}.
 */
final class ClassChecks {

  /**
   * What the class checks decided.
   *
   * @param shape a subclass, or a decorator for a class that cannot be subclassed
   * @param constructors the constructors the subclass repeats (none for a decorator)
   */
  record ClassShape(Shape shape, List<ExecutableElement> constructors) {
    ClassShape {
      constructors = List.copyOf(constructors);
    }
  }

  private final Elements elements;
  private final Types types;
  private final TypeChecks checks;

  ClassChecks(Elements elements, Types types, TypeChecks checks) {
    this.elements = elements;
    this.types = types;
    this.checks = checks;
  }

  /**
   * Checks the class of {@code target}, whose handler methods are {@code methods}; empty if the
   * class cannot have a wrapper at all, so checking its methods would only add noise.
   */
  Optional<ClassShape> check(ClassValidation target, List<ExecutableElement> methods) {
    if (!checkKind(target, methods)) {
      return Optional.empty();
    }
    if (elements.getTypeElement(KnownTypes.IDEMPOTENCY_STORE.canonicalName()) == null) {
      target.problems.add(
          Problem.on(
              target.type,
              "the generated wrapper for `"
                  + target.typeName
                  + "` calls Idempo's runtime, which is not on the compile classpath; add the"
                  + " dependency io.idempo:idempo-runtime"));
      return Optional.empty();
    }
    checkNesting(target);
    for (TypeMirror supertype : types.directSupertypes(target.type.asType())) {
      target.noteUnresolved(supertype);
    }
    boolean finalLike = target.isFinalLike();
    if (finalLike && target.type.getInterfaces().isEmpty()) {
      target.problems.add(
          Problem.on(
              target.type,
              "`"
                  + target.typeName
                  + "` "
                  + target.whyNotExtensible()
                  + ", so Idempo cannot generate a subclass that wraps "
                  + Names.quotedList(methodNames(methods))
                  + ", and it implements no interface that a generated decorator could implement"
                  + " instead. Make the class extensible, or implement an interface that"
                  + " declares the handler method"));
    }
    if (finalLike) {
      checkInterfaces(target);
      return Optional.of(new ClassShape(Shape.DECORATOR, List.of()));
    }
    return Optional.of(new ClassShape(Shape.SUBCLASS, checkConstructors(target)));
  }

  /** Only a class or record can hold handler methods. */
  private boolean checkKind(ClassValidation target, List<ExecutableElement> methods) {
    String why =
        switch (target.type.getKind()) {
          case CLASS, RECORD ->
              target.type.getNestingKind() == NestingKind.LOCAL
                      || target.type.getNestingKind() == NestingKind.ANONYMOUS
                  ? "is declared inside a method, so a generated top-level class can neither"
                      + " name nor extend it; move the handler to a top-level or static nested"
                      + " class"
                  : null;
          case INTERFACE ->
              "is an interface; Idempo wraps a class's implementation of a handler method. Put"
                  + " @IdempotentHandler on the method of the implementing class instead";
          case ENUM ->
              "is an enum, which cannot be subclassed, so Idempo cannot wrap its methods; move"
                  + " the handler method into a class";
          default ->
              "is an annotation type, which cannot hold handler methods; move the handler"
                  + " method into a class";
        };
    if (why == null) {
      return true;
    }
    for (ExecutableElement method : methods) {
      target.problems.add(
          Problem.on(
              method,
              "@IdempotentHandler on `"
                  + method.getSimpleName()
                  + "`: `"
                  + target.typeName
                  + "` "
                  + why));
    }
    return false;
  }

  /** A nested handler must be static and reachable from its package. */
  private void checkNesting(ClassValidation target) {
    String generated = target.wrapperName().simpleName();
    for (Element e = target.type; e instanceof TypeElement; e = e.getEnclosingElement()) {
      TypeElement enclosing = (TypeElement) e;
      if (enclosing.getModifiers().contains(Modifier.PRIVATE)) {
        target.problems.add(
            Problem.on(
                target.type,
                "`"
                    + TypeChecks.simpleNames(enclosing)
                    + "` is private, so the generated top-level class `"
                    + generated
                    + "` cannot extend or name `"
                    + target.typeName
                    + "`; make it package-private or public"));
        return;
      }
    }
    if (target.type.getNestingKind() == NestingKind.MEMBER
        && !target.type.getModifiers().contains(Modifier.STATIC)
        && target.type.getEnclosingElement().getKind() != ElementKind.INTERFACE) {
      target.problems.add(
          Problem.on(
              target.type,
              "`"
                  + target.typeName
                  + "` is an inner class: each instance needs an enclosing `"
                  + TypeChecks.simpleNames((TypeElement) target.type.getEnclosingElement())
                  + "` instance, which the generated top-level class `"
                  + generated
                  + "` cannot supply; declare it `static`"));
    }
  }

  /** A decorator implements the handler's interfaces, so it must be allowed to. */
  private void checkInterfaces(ClassValidation target) {
    for (TypeMirror iface : target.type.getInterfaces()) {
      if (iface.getKind() != TypeKind.DECLARED) {
        continue;
      }
      TypeElement element = (TypeElement) ((DeclaredType) iface).asElement();
      if (element.getModifiers().contains(Modifier.SEALED)) {
        target.problems.add(
            Problem.on(
                target.type,
                "`"
                    + target.typeName
                    + "` "
                    + target.whyNotExtensible()
                    + ", so Idempo generates a decorator that implements its interfaces, but `"
                    + TypeChecks.simpleNames(element)
                    + "` is sealed and does not permit it; make the class extensible, or unseal"
                    + " the interface"));
      }
      TypeElement inaccessible = checks.firstInaccessible(iface, target.pkg);
      if (inaccessible != null) {
        target.problems.add(
            Problem.on(
                target.type,
                "`"
                    + target.typeName
                    + "` "
                    + target.whyNotExtensible()
                    + ", so Idempo generates a decorator that implements its interfaces, but `"
                    + TypeChecks.simpleNames(inaccessible)
                    + "` is not accessible from package `"
                    + target.pkg.getQualifiedName()
                    + "`; make it package-private or public"));
      }
    }
  }

  /** The constructors the generated subclass can call. */
  private List<ExecutableElement> checkConstructors(ClassValidation target) {
    List<ExecutableElement> accessible = new ArrayList<>();
    for (ExecutableElement constructor :
        ElementFilter.constructorsIn(target.type.getEnclosedElements())) {
      if (constructor.getModifiers().contains(Modifier.PRIVATE)) {
        continue;
      }
      accessible.add(constructor);
      for (VariableElement parameter : constructor.getParameters()) {
        target.noteUnresolved(parameter.asType());
        TypeElement inaccessible = checks.firstInaccessible(parameter.asType(), target.pkg);
        if (inaccessible != null) {
          target.problems.add(
              Problem.on(
                  parameter,
                  "constructor parameter `"
                      + parameter.getSimpleName()
                      + "` has type `"
                      + TypeChecks.display(parameter.asType())
                      + "`, but `"
                      + TypeChecks.simpleNames(inaccessible)
                      + "` is not accessible from package `"
                      + target.pkg.getQualifiedName()
                      + "`, so the generated subclass cannot declare a matching constructor;"
                      + " make it package-private or public"));
        }
        checkParameterAnnotations(target, parameter);
      }
      for (TypeMirror thrown : constructor.getThrownTypes()) {
        target.noteUnresolved(thrown);
      }
    }
    if (accessible.isEmpty()) {
      target.problems.add(
          Problem.on(
              target.type,
              "`"
                  + target.typeName
                  + "` has no constructor that the generated subclass `"
                  + target.wrapperName().simpleName()
                  + "` can call: all are private. Make one package-private, protected or"
                  + " public"));
    }
    return accessible;
  }

  /**
   * The wrapper's constructor repeats the annotations of each handler constructor parameter (an
   * injector reads its qualifiers there), so it must be able to name their types.
   */
  private void checkParameterAnnotations(ClassValidation target, VariableElement parameter) {
    List<AnnotationMirror> annotations = new ArrayList<>(parameter.getAnnotationMirrors());
    collectTypeAnnotations(parameter.asType(), annotations);
    for (AnnotationMirror annotation : annotations) {
      target.noteUnresolved(annotation.getAnnotationType());
      TypeElement inaccessible = checks.firstInaccessible(annotation, target.pkg);
      if (inaccessible != null) {
        target.problems.add(
            Problem.on(
                parameter,
                annotation,
                "constructor parameter `"
                    + parameter.getSimpleName()
                    + "` is annotated @"
                    + TypeChecks.simpleNames(
                        (TypeElement) annotation.getAnnotationType().asElement())
                    + ", which the generated subclass repeats on its constructor, but `"
                    + TypeChecks.simpleNames(inaccessible)
                    + "` is not accessible from package `"
                    + target.pkg.getQualifiedName()
                    + "`; make it package-private or public"));
        return;
      }
    }
  }

  private static void collectTypeAnnotations(TypeMirror type, List<AnnotationMirror> out) {
    out.addAll(type.getAnnotationMirrors());
    for (TypeMirror part : TypeChecks.parts(type)) {
      collectTypeAnnotations(part, out);
    }
  }

  private static List<String> methodNames(List<ExecutableElement> methods) {
    List<String> names = new ArrayList<>();
    for (ExecutableElement method : methods) {
      String name = method.getSimpleName().toString();
      if (!names.contains(name)) {
        names.add(name);
      }
    }
    return names;
  }
}
