package io.idempo.processor;

import static io.idempo.processor.AnnotationValues.explicitValue;
import static io.idempo.processor.AnnotationValues.handlerAnnotation;
import static io.idempo.processor.AnnotationValues.keyAnnotation;
import static io.idempo.processor.AnnotationValues.stringValue;

import io.idempo.processor.HandlerClassModel.Shape;
import io.idempo.processor.HandlerMethodModel.Codec;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.TypeParameterElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * The checks on one {@code @IdempotentHandler} method: that the wrapper can override it, its key,
 * ttl, lease and name, and (through {@link FingerprintChecks} and {@link CodecChecks}) its payload
 * fingerprint and result codec. Builds the method's
 * {@link HandlerMethodModel} if they pass.
 */
final class MethodChecks {

  private final Elements elements;
  private final Types types;
  private final TypeChecks checks;
  private final KeyPathResolver resolver;
  private final CodecChecks codecs;
  private final FingerprintChecks fingerprints;

  MethodChecks(Elements elements, Types types, TypeChecks checks) {
    this.elements = elements;
    this.types = types;
    this.checks = checks;
    this.resolver = new KeyPathResolver(elements, types);
    this.codecs = new CodecChecks(elements, types, checks);
    this.fingerprints = new FingerprintChecks(elements, types, checks, resolver);
  }

  /**
   * Checks {@code method} of {@code target}, the {@code overload}th handler method of its name;
   * {@code byName} holds the handler names taken so far. Returns null if there is a problem.
   */
  HandlerMethodModel check(
      ClassValidation target,
      ExecutableElement method,
      Shape shape,
      int overload,
      Map<String, ExecutableElement> byName) {
    AnnotationMirror annotation = handlerAnnotation(method);
    ExecutableType signature =
        (ExecutableType) types.asMemberOf((DeclaredType) target.type.asType(), method);
    int before = target.problems.size();
    String methodName = method.getSimpleName().toString();
    Set<Modifier> modifiers = method.getModifiers();
    if (modifiers.contains(Modifier.PRIVATE)) {
      target.problems.add(
          Problem.on(
              method,
              "handler method `"
                  + methodName
                  + "` is private, so the generated wrapper cannot override it; make it"
                  + " package-private, protected or public"));
    }
    if (modifiers.contains(Modifier.STATIC)) {
      target.problems.add(
          Problem.on(
              method,
              "handler method `"
                  + methodName
                  + "` is static, and static methods cannot be overridden, so the generated"
                  + " wrapper cannot intercept calls to it; make it an instance method"));
    }
    if (modifiers.contains(Modifier.FINAL) && shape == Shape.SUBCLASS) {
      target.problems.add(
          Problem.on(
              method,
              "handler method `"
                  + methodName
                  + "` is final, so the generated subclass cannot override it; remove `final`"));
    }
    if (modifiers.contains(Modifier.ABSTRACT)) {
      target.problems.add(
          Problem.on(
              method,
              "handler method `"
                  + methodName
                  + "` is abstract, so there is no implementation to wrap; put"
                  + " @IdempotentHandler on the method that implements it"));
    }
    if (shape == Shape.DECORATOR
        && !target.type.getInterfaces().isEmpty()
        && !modifiers.contains(Modifier.PRIVATE)
        && !modifiers.contains(Modifier.STATIC)
        && !declaredByInterface(target, method)) {
      target.problems.add(
          Problem.on(
              method,
              "`"
                  + target.typeName
                  + "` "
                  + target.whyNotExtensible()
                  + ", so Idempo generates a decorator that implements its interfaces, but no"
                  + " interface of `"
                  + target.typeName
                  + "` declares handler method `"
                  + methodName
                  + "`; declare it in an interface that `"
                  + target.typeName
                  + "` implements, or make the class extensible"));
    }
    checkSignature(target, method, signature);

    KeyPath keyPath = checkKey(target, method, signature, annotation);
    String ttl = checkDuration(target, method, annotation, "ttl");
    String lease = checkDuration(target, method, annotation, "lease");
    boolean leaseMode = stringValue(elements, annotation, "mode").equals("LEASE");
    String handlerName = checkName(target, method, annotation, byName);
    Optional<Fingerprint> fingerprint =
        fingerprints.check(target, method, signature, annotation, keyPath);
    RequestBodyChecks.check(target, method, annotation, keyPath);
    boolean batch = keyPath != null && keyPath.batch().isPresent();
    Optional<Codec> codec =
        batch && !checkBatchReturnsVoid(target, method, signature, keyPath)
            ? Optional.empty()
            : codecs.check(target, method, signature, annotation);

    if (target.problems.size() > before || !target.unresolved.isEmpty()) {
      return null;
    }
    String prefix = Names.upperSnake(methodName) + (overload > 1 ? "_" + overload : "");
    return new HandlerMethodModel(
        method,
        signature,
        handlerName,
        keyPath,
        fingerprint,
        ttl,
        leaseMode,
        lease,
        codec,
        prefix);
  }

  /**
   * A batch handler returns void: the wrapper calls it with only the messages seen for the first
   * time, so it has no result to give the messages that were duplicates.
   */
  private boolean checkBatchReturnsVoid(
      ClassValidation target, ExecutableElement method, ExecutableType signature, KeyPath keyPath) {
    TypeMirror returnType = signature.getReturnType();
    if (returnType.getKind() != TypeKind.VOID) {
      target.problems.add(
          Problem.on(
              method,
              "batch handler method `"
                  + method.getSimpleName()
                  + "` (key path `"
                  + keyPath.text()
                  + "`) returns `"
                  + TypeChecks.display(returnType)
                  + "`, but a batch handler must return void: the wrapper calls it with only the"
                  + " messages seen for the first time, so it has no result for the duplicates."
                  + " Return void, and keep per-message results where the handler's work goes"
                  + " (its database, an outbox)"));
      return false;
    }
    return true;
  }

  private boolean declaredByInterface(ClassValidation target, ExecutableElement method) {
    for (ExecutableElement candidate : target.interfaceMethods()) {
      if (candidate.getSimpleName().contentEquals(method.getSimpleName())
          && elements.overrides(method, candidate, target.type)) {
        return true;
      }
    }
    return false;
  }

  /** Every type in the signature must be resolved and nameable from the generated class. */
  private void checkSignature(
      ClassValidation target, ExecutableElement method, ExecutableType memberType) {
    List<TypeMirror> signature = new ArrayList<>();
    signature.add(memberType.getReturnType());
    signature.addAll(memberType.getParameterTypes());
    signature.addAll(memberType.getThrownTypes());
    for (TypeParameterElement typeParameter : method.getTypeParameters()) {
      signature.addAll(typeParameter.getBounds());
    }
    for (TypeMirror t : signature) {
      target.noteUnresolved(t);
      TypeElement inaccessible = checks.firstInaccessible(t, target.pkg);
      if (inaccessible != null) {
        target.problems.add(
            Problem.on(
                method,
                "handler method `"
                    + method.getSimpleName()
                    + "` uses `"
                    + TypeChecks.simpleNames(inaccessible)
                    + "`, which is not accessible from package `"
                    + target.pkg.getQualifiedName()
                    + "`, so the generated wrapper cannot declare the same signature; make it"
                    + " package-private or public"));
        return;
      }
    }
  }

  private KeyPath checkKey(
      ClassValidation target,
      ExecutableElement method,
      ExecutableType signature,
      AnnotationMirror annotation) {
    String key = stringValue(elements, annotation, "key");
    AnnotationValue keyValue = explicitValue(annotation, "key");
    List<VariableElement> keyParameters = new ArrayList<>();
    for (VariableElement parameter : method.getParameters()) {
      if (keyAnnotation(parameter) != null) {
        keyParameters.add(parameter);
      }
    }
    String methodName = method.getSimpleName().toString();
    if (keyParameters.size() > 1) {
      for (VariableElement extra : keyParameters.subList(1, keyParameters.size())) {
        target.problems.add(
            Problem.on(
                extra,
                keyAnnotation(extra),
                "handler method `"
                    + methodName
                    + "` marks more than one parameter @IdempotencyKey ("
                    + Names.quotedList(names(keyParameters))
                    + "); a handler has one key. Keep one, or remove them all and set"
                    + " @IdempotentHandler(key = \"...\") to a key path"));
      }
      return null;
    }
    if (!key.isEmpty() && !keyParameters.isEmpty()) {
      target.problems.add(
          Problem.on(
              method,
              annotation,
              keyValue,
              "handler method `"
                  + methodName
                  + "` names its key twice: key = \""
                  + key
                  + "\" and @IdempotencyKey on parameter `"
                  + keyParameters.get(0).getSimpleName()
                  + "`; keep one of them"));
      return null;
    }
    if (key.isEmpty() && keyParameters.isEmpty()) {
      String example =
          method.getParameters().isEmpty()
              ? "event.id"
              : method.getParameters().get(0).getSimpleName() + ".id";
      target.problems.add(
          Problem.on(
              method,
              annotation,
              "handler method `"
                  + methodName
                  + "` has no idempotency key; set @IdempotentHandler(key = \""
                  + example
                  + "\") to a key path into a parameter, or mark one parameter @IdempotencyKey"));
      return null;
    }
    KeyPathResolver.Result result;
    Element at;
    AnnotationMirror atAnnotation;
    AnnotationValue atValue;
    if (keyParameters.isEmpty()) {
      result = resolver.resolve(key, method, signature, target.pkg);
      at = method;
      atAnnotation = annotation;
      atValue = keyValue;
    } else {
      VariableElement parameter = keyParameters.get(0);
      result =
          resolver.resolveParameter(
              parameter,
              signature.getParameterTypes().get(method.getParameters().indexOf(parameter)));
      at = parameter;
      atAnnotation = keyAnnotation(parameter);
      atValue = null;
    }
    if (result instanceof KeyPathResolver.Resolved resolved) {
      return resolved.path();
    }
    if (result instanceof KeyPathResolver.Unresolved missing) {
      target.unresolved.add(missing.typeName());
      return null;
    }
    target.problems.add(
        Problem.on(at, atAnnotation, atValue, ((KeyPathResolver.Invalid) result).message()));
    return null;
  }

  private String checkDuration(
      ClassValidation target,
      ExecutableElement method,
      AnnotationMirror annotation,
      String attribute) {
    String text = stringValue(elements, annotation, attribute);
    String problem;
    try {
      Duration duration = Duration.parse(text);
      if (!duration.isNegative() && !duration.isZero()) {
        return text;
      }
      problem = "is not positive";
    } catch (DateTimeParseException e) {
      problem = "is not an ISO-8601 duration";
    }
    target.problems.add(
        Problem.on(
            method,
            annotation,
            explicitValue(annotation, attribute),
            attribute
                + " \""
                + text
                + "\" of handler method `"
                + method.getSimpleName()
                + "` "
                + problem
                + "; write a positive ISO-8601 duration as accepted by"
                + " java.time.Duration.parse, such as \"P7D\" (7 days), \"PT12H\" or \"PT30S\""));
    return text;
  }

  private String checkName(
      ClassValidation target,
      ExecutableElement method,
      AnnotationMirror annotation,
      Map<String, ExecutableElement> byName) {
    String explicit = stringValue(elements, annotation, "name");
    AnnotationValue nameValue = explicitValue(annotation, "name");
    if (!explicit.isEmpty() && explicit.isBlank()) {
      target.problems.add(
          Problem.on(
              method,
              annotation,
              nameValue,
              "name of handler method `"
                  + method.getSimpleName()
                  + "` is blank; set a stable, non-blank name, or leave it empty for the"
                  + " default <class>#<method>"));
      return explicit;
    }
    String name =
        explicit.isEmpty()
            ? elements.getBinaryName((TypeElement) method.getEnclosingElement())
                + "#"
                + method.getSimpleName()
            : explicit;
    ExecutableElement previous = byName.putIfAbsent(name, method);
    if (previous != null) {
      target.problems.add(
          Problem.on(
              method,
              annotation,
              nameValue,
              "handler methods `"
                  + previous.getSimpleName()
                  + "` and `"
                  + method.getSimpleName()
                  + "` of `"
                  + target.typeName
                  + "` share the handler name \""
                  + name
                  + "\"; the name scopes a handler's keys in the store, so each needs its own."
                  + " Set a distinct @IdempotentHandler(name = \"...\")"));
    }
    return name;
  }

  private static List<String> names(List<VariableElement> parameters) {
    List<String> names = new ArrayList<>();
    for (VariableElement parameter : parameters) {
      names.add(parameter.getSimpleName().toString());
    }
    return names;
  }
}
