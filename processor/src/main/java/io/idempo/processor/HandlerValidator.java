package io.idempo.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import io.idempo.processor.HandlerClassModel.ForwardedMethod;
import io.idempo.processor.HandlerClassModel.Shape;
import io.idempo.processor.HandlerMethodModel.Codec;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.PackageElement;
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
 * Checks one handler class and its {@code @IdempotentHandler} methods, collects every problem with
 * its exact place, and builds the {@link HandlerClassModel} if there are none.
 */
final class HandlerValidator {

  /**
   * The outcome of validating one class: its model, or the problems found, or the names of types
   * that are not resolvable yet.
   */
  record Outcome(
      Optional<HandlerClassModel> model, List<Problem> problems, Set<String> unresolved) {}

  private final Elements elements;
  private final Types types;
  private final TypeChecks checks;
  private final KeyPathResolver resolver;
  private final JsonSupport json;

  HandlerValidator(Elements elements, Types types) {
    this.elements = elements;
    this.types = types;
    this.checks = new TypeChecks(elements);
    this.resolver = new KeyPathResolver(elements, types);
    this.json = JsonSupport.detect(elements);
  }

  /** Validates {@code type}, whose {@code methods} carry {@code @IdempotentHandler}. */
  Outcome validate(TypeElement type, List<ExecutableElement> methods) {
    Run run = new Run(type);
    Optional<HandlerClassModel> model = run.validate(methods);
    return new Outcome(
        run.problems.isEmpty() && run.unresolved.isEmpty() ? model : Optional.empty(),
        List.copyOf(run.problems),
        Set.copyOf(run.unresolved));
  }

  /** Reports an {@code @IdempotencyKey} parameter of a method that is not a handler. */
  static Problem strayKeyParameter(VariableElement parameter, AnnotationMirror keyAnnotation) {
    Element method = parameter.getEnclosingElement();
    String where =
        method.getKind() == ElementKind.METHOD
            ? "`" + method.getSimpleName() + "` is not annotated @IdempotentHandler. Annotate the"
                + " method, or remove @IdempotencyKey"
            : "only parameters of @IdempotentHandler methods name a key. Remove @IdempotencyKey";
    return Problem.on(parameter, keyAnnotation, "@IdempotencyKey has no effect here: " + where);
  }

  /** The state of validating one class. */
  private final class Run {
    final TypeElement type;
    final PackageElement pkg;
    final String typeName;
    final List<Problem> problems = new ArrayList<>();
    final Set<String> unresolved = new LinkedHashSet<>();

    Run(TypeElement type) {
      this.type = type;
      this.pkg = checks.packageOf(type);
      this.typeName = TypeChecks.simpleNames(type);
    }

    Optional<HandlerClassModel> validate(List<ExecutableElement> methods) {
      if (!checkKind(methods)) {
        return Optional.empty();
      }
      if (elements.getTypeElement(KnownTypes.IDEMPOTENCY_STORE.canonicalName()) == null) {
        problems.add(
            Problem.on(
                type,
                "the generated wrapper for `"
                    + typeName
                    + "` calls Idempo's runtime, which is not on the compile classpath; add the"
                    + " dependency io.idempo:idempo-runtime"));
        return Optional.empty();
      }
      checkNesting();
      for (TypeMirror supertype : types.directSupertypes(type.asType())) {
        noteUnresolved(supertype);
      }
      boolean finalLike =
          type.getKind() == ElementKind.RECORD
              || type.getModifiers().contains(Modifier.FINAL)
              || type.getModifiers().contains(Modifier.SEALED);
      Shape shape = finalLike ? Shape.DECORATOR : Shape.SUBCLASS;
      if (finalLike && type.getInterfaces().isEmpty()) {
        problems.add(
            Problem.on(
                type,
                "`"
                    + typeName
                    + "` "
                    + whyNotExtensible()
                    + ", so Idempo cannot generate a subclass that wraps "
                    + Names.quotedList(methodNames(methods))
                    + ", and it implements no interface that a generated decorator could implement"
                    + " instead. Make the class extensible, or implement an interface that"
                    + " declares the handler method"));
      }
      if (shape == Shape.DECORATOR) {
        checkInterfaces();
      }

      List<ExecutableElement> constructors = new ArrayList<>();
      if (shape == Shape.SUBCLASS) {
        constructors = checkConstructors();
      }

      List<HandlerMethodModel> models = new ArrayList<>();
      Map<String, ExecutableElement> byName = new LinkedHashMap<>();
      Map<String, Integer> overloads = new LinkedHashMap<>();
      for (ExecutableElement method : methods) {
        int overload = overloads.merge(method.getSimpleName().toString(), 1, Integer::sum);
        int before = problems.size();
        HandlerMethodModel model = checkMethod(method, shape, overload, byName);
        if (!method.getEnclosingElement().equals(type) && problems.size() > before) {
          // The superclass's own wrapper reports these on its source; here, say once why this
          // class gets no wrapper.
          String first = problems.get(before).message();
          problems.subList(before, problems.size()).clear();
          problems.add(
              Problem.on(
                  type,
                  "`"
                      + typeName
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
      if (!problems.isEmpty() || !unresolved.isEmpty()) {
        return Optional.empty();
      }
      List<ForwardedMethod> forwarded =
          shape == Shape.DECORATOR ? forwardedMethods(methods) : List.of();
      return Optional.of(
          new HandlerClassModel(
              type,
              generatedName(),
              shape,
              constructors,
              models,
              forwarded,
              reservedNames(constructors, methods, forwarded)));
    }

    private String whyNotExtensible() {
      if (type.getKind() == ElementKind.RECORD) {
        return "is a record";
      }
      if (type.getModifiers().contains(Modifier.SEALED)) {
        return "is sealed";
      }
      return "is final";
    }

    /** Only a class or record can hold handler methods. */
    private boolean checkKind(List<ExecutableElement> methods) {
      String why =
          switch (type.getKind()) {
            case CLASS, RECORD ->
                type.getNestingKind() == NestingKind.LOCAL
                        || type.getNestingKind() == NestingKind.ANONYMOUS
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
        problems.add(
            Problem.on(
                method,
                "@IdempotentHandler on `" + method.getSimpleName() + "`: `" + typeName + "` " + why));
      }
      return false;
    }

    /** A nested handler must be static and reachable from its package. */
    private void checkNesting() {
      String generated = generatedName().simpleName();
      for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
        TypeElement enclosing = (TypeElement) e;
        if (enclosing.getModifiers().contains(Modifier.PRIVATE)) {
          problems.add(
              Problem.on(
                  type,
                  "`"
                      + TypeChecks.simpleNames(enclosing)
                      + "` is private, so the generated top-level class `"
                      + generated
                      + "` cannot extend or name `"
                      + typeName
                      + "`; make it package-private or public"));
          return;
        }
      }
      if (type.getNestingKind() == NestingKind.MEMBER
          && !type.getModifiers().contains(Modifier.STATIC)
          && type.getEnclosingElement().getKind() != ElementKind.INTERFACE) {
        problems.add(
            Problem.on(
                type,
                "`"
                    + typeName
                    + "` is an inner class: each instance needs an enclosing `"
                    + TypeChecks.simpleNames((TypeElement) type.getEnclosingElement())
                    + "` instance, which the generated top-level class `"
                    + generated
                    + "` cannot supply; declare it `static`"));
      }
    }

    /** A decorator implements the handler's interfaces, so it must be allowed to. */
    private void checkInterfaces() {
      for (TypeMirror iface : type.getInterfaces()) {
        if (iface.getKind() != TypeKind.DECLARED) {
          continue;
        }
        TypeElement element = (TypeElement) ((DeclaredType) iface).asElement();
        if (element.getModifiers().contains(Modifier.SEALED)) {
          problems.add(
              Problem.on(
                  type,
                  "`"
                      + typeName
                      + "` "
                      + whyNotExtensible()
                      + ", so Idempo generates a decorator that implements its interfaces, but `"
                      + TypeChecks.simpleNames(element)
                      + "` is sealed and does not permit it; make the class extensible, or unseal"
                      + " the interface"));
        }
        TypeElement inaccessible = checks.firstInaccessible(iface, pkg);
        if (inaccessible != null) {
          problems.add(
              Problem.on(
                  type,
                  "`"
                      + typeName
                      + "` "
                      + whyNotExtensible()
                      + ", so Idempo generates a decorator that implements its interfaces, but `"
                      + TypeChecks.simpleNames(inaccessible)
                      + "` is not accessible from package `"
                      + pkg.getQualifiedName()
                      + "`; make it package-private or public"));
        }
      }
    }

    /** The constructors the generated subclass can call. */
    private List<ExecutableElement> checkConstructors() {
      List<ExecutableElement> accessible = new ArrayList<>();
      for (ExecutableElement constructor :
          ElementFilter.constructorsIn(type.getEnclosedElements())) {
        if (constructor.getModifiers().contains(Modifier.PRIVATE)) {
          continue;
        }
        accessible.add(constructor);
        for (VariableElement parameter : constructor.getParameters()) {
          noteUnresolved(parameter.asType());
          TypeElement inaccessible = checks.firstInaccessible(parameter.asType(), pkg);
          if (inaccessible != null) {
            problems.add(
                Problem.on(
                    parameter,
                    "constructor parameter `"
                        + parameter.getSimpleName()
                        + "` has type `"
                        + TypeChecks.display(parameter.asType())
                        + "`, but `"
                        + TypeChecks.simpleNames(inaccessible)
                        + "` is not accessible from package `"
                        + pkg.getQualifiedName()
                        + "`, so the generated subclass cannot declare a matching constructor;"
                        + " make it package-private or public"));
          }
          checkParameterAnnotations(parameter);
        }
        for (TypeMirror thrown : constructor.getThrownTypes()) {
          noteUnresolved(thrown);
        }
      }
      if (accessible.isEmpty()) {
        problems.add(
            Problem.on(
                type,
                "`"
                    + typeName
                    + "` has no constructor that the generated subclass `"
                    + generatedName().simpleName()
                    + "` can call: all are private. Make one package-private, protected or"
                    + " public"));
      }
      return accessible;
    }

    private HandlerMethodModel checkMethod(
        ExecutableElement method,
        Shape shape,
        int overload,
        Map<String, ExecutableElement> byName) {
      AnnotationMirror annotation = handlerAnnotation(method);
      ExecutableType signature =
          (ExecutableType) types.asMemberOf((DeclaredType) type.asType(), method);
      int before = problems.size();
      String methodName = method.getSimpleName().toString();
      Set<Modifier> modifiers = method.getModifiers();
      if (modifiers.contains(Modifier.PRIVATE)) {
        problems.add(
            Problem.on(
                method,
                "handler method `"
                    + methodName
                    + "` is private, so the generated wrapper cannot override it; make it"
                    + " package-private, protected or public"));
      }
      if (modifiers.contains(Modifier.STATIC)) {
        problems.add(
            Problem.on(
                method,
                "handler method `"
                    + methodName
                    + "` is static, and static methods cannot be overridden, so the generated"
                    + " wrapper cannot intercept calls to it; make it an instance method"));
      }
      if (modifiers.contains(Modifier.FINAL) && shape == Shape.SUBCLASS) {
        problems.add(
            Problem.on(
                method,
                "handler method `"
                    + methodName
                    + "` is final, so the generated subclass cannot override it; remove `final`"));
      }
      if (modifiers.contains(Modifier.ABSTRACT)) {
        problems.add(
            Problem.on(
                method,
                "handler method `"
                    + methodName
                    + "` is abstract, so there is no implementation to wrap; put"
                    + " @IdempotentHandler on the method that implements it"));
      }
      if (shape == Shape.DECORATOR
          && !type.getInterfaces().isEmpty()
          && !modifiers.contains(Modifier.PRIVATE)
          && !modifiers.contains(Modifier.STATIC)
          && !declaredByInterface(method)) {
        problems.add(
            Problem.on(
                method,
                "`"
                    + typeName
                    + "` "
                    + whyNotExtensible()
                    + ", so Idempo generates a decorator that implements its interfaces, but no"
                    + " interface of `"
                    + typeName
                    + "` declares handler method `"
                    + methodName
                    + "`; declare it in an interface that `"
                    + typeName
                    + "` implements, or make the class extensible"));
      }
      checkSignature(method, signature);

      KeyPath keyPath = checkKey(method, signature, annotation);
      String ttl = checkDuration(method, annotation, "ttl");
      String lease = checkDuration(method, annotation, "lease");
      boolean leaseMode = stringValue(annotation, "mode").equals("LEASE");
      String handlerName = checkName(method, annotation, byName);
      Optional<Codec> codec = checkCodec(method, signature, annotation);

      if (problems.size() > before || !unresolved.isEmpty()) {
        return null;
      }
      String prefix = Names.upperSnake(methodName) + (overload > 1 ? "_" + overload : "");
      return new HandlerMethodModel(
          method, signature, handlerName, keyPath, ttl, leaseMode, lease, codec, prefix);
    }

    /**
     * The wrapper's constructor repeats the annotations of each handler constructor parameter (an
     * injector reads its qualifiers there), so it must be able to name their types.
     */
    private void checkParameterAnnotations(VariableElement parameter) {
      List<AnnotationMirror> annotations = new ArrayList<>(parameter.getAnnotationMirrors());
      collectTypeAnnotations(parameter.asType(), annotations);
      for (AnnotationMirror annotation : annotations) {
        noteUnresolved(annotation.getAnnotationType());
        TypeElement inaccessible = checks.firstInaccessible(annotation, pkg);
        if (inaccessible != null) {
          problems.add(
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
                      + pkg.getQualifiedName()
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

    private boolean declaredByInterface(ExecutableElement method) {
      for (ExecutableElement candidate : interfaceMethods()) {
        if (candidate.getSimpleName().contentEquals(method.getSimpleName())
            && elements.overrides(method, candidate, type)) {
          return true;
        }
      }
      return false;
    }

    /** Every type in the signature must be resolved and nameable from the generated class. */
    private void checkSignature(ExecutableElement method, ExecutableType memberType) {
      List<TypeMirror> signature = new ArrayList<>();
      signature.add(memberType.getReturnType());
      signature.addAll(memberType.getParameterTypes());
      signature.addAll(memberType.getThrownTypes());
      for (TypeParameterElement typeParameter : method.getTypeParameters()) {
        signature.addAll(typeParameter.getBounds());
      }
      for (TypeMirror t : signature) {
        noteUnresolved(t);
        TypeElement inaccessible = checks.firstInaccessible(t, pkg);
        if (inaccessible != null) {
          problems.add(
              Problem.on(
                  method,
                  "handler method `"
                      + method.getSimpleName()
                      + "` uses `"
                      + TypeChecks.simpleNames(inaccessible)
                      + "`, which is not accessible from package `"
                      + pkg.getQualifiedName()
                      + "`, so the generated wrapper cannot declare the same signature; make it"
                      + " package-private or public"));
          return;
        }
      }
    }

    private KeyPath checkKey(
        ExecutableElement method, ExecutableType signature, AnnotationMirror annotation) {
      String key = stringValue(annotation, "key");
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
          problems.add(
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
        problems.add(
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
        problems.add(
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
        result = resolver.resolve(key, method, signature, pkg);
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
        unresolved.add(missing.typeName());
        return null;
      }
      problems.add(
          Problem.on(at, atAnnotation, atValue, ((KeyPathResolver.Invalid) result).message()));
      return null;
    }

    private String checkDuration(
        ExecutableElement method, AnnotationMirror annotation, String attribute) {
      String text = stringValue(annotation, attribute);
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
      problems.add(
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
        ExecutableElement method,
        AnnotationMirror annotation,
        Map<String, ExecutableElement> byName) {
      String explicit = stringValue(annotation, "name");
      AnnotationValue nameValue = explicitValue(annotation, "name");
      if (!explicit.isEmpty() && explicit.isBlank()) {
        problems.add(
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
        problems.add(
            Problem.on(
                method,
                annotation,
                nameValue,
                "handler methods `"
                    + previous.getSimpleName()
                    + "` and `"
                    + method.getSimpleName()
                    + "` of `"
                    + typeName
                    + "` share the handler name \""
                    + name
                    + "\"; the name scopes a handler's keys in the store, so each needs its own."
                    + " Set a distinct @IdempotentHandler(name = \"...\")"));
      }
      return name;
    }

    private Optional<Codec> checkCodec(
        ExecutableElement method, ExecutableType signature, AnnotationMirror annotation) {
      TypeMirror returnType = signature.getReturnType();
      AnnotationValue codecValue = explicitValue(annotation, "codec");
      TypeMirror codecType = codecValue == null ? null : classValue(codecValue);
      if (codecValue != null && codecType == null) {
        unresolved.add(String.valueOf(codecValue.getValue()));
        return Optional.empty();
      }
      if (codecType != null && codecType.getKind() == TypeKind.VOID) {
        codecType = null;
      }
      if (codecType != null && codecType.getKind() == TypeKind.ERROR) {
        unresolved.add(codecType.toString());
        return Optional.empty();
      }
      String methodName = method.getSimpleName().toString();
      if (returnType.getKind() == TypeKind.VOID) {
        if (codecType != null) {
          problems.add(
              Problem.on(
                  method,
                  annotation,
                  codecValue,
                  "handler method `"
                      + methodName
                      + "` returns void, so it has no result to encode; remove codec"));
        }
        return Optional.empty();
      }
      if (TypeChecks.firstError(returnType) != null) {
        return Optional.empty();
      }
      if (TypeChecks.mentionsTypeVariable(returnType)) {
        problems.add(
            Problem.on(
                method,
                "handler method `"
                    + methodName
                    + "` returns `"
                    + TypeChecks.display(returnType)
                    + "`, which depends on a type variable, so no result codec can be fixed at"
                    + " compile time; return a concrete type"));
        return Optional.empty();
      }
      boolean primitive = returnType.getKind().isPrimitive();
      TypeMirror boxed =
          primitive ? types.boxedClass((javax.lang.model.type.PrimitiveType) returnType).asType()
              : returnType;
      TypeName valueType = TypeName.get(boxed);
      if (codecType != null) {
        return checkCustomCodec(method, annotation, codecValue, codecType, boxed)
            ? Optional.of(
                new Codec(
                    valueType, new HandlerMethodModel.Custom(TypeName.get(codecType)), primitive))
            : Optional.empty();
      }
      if (hasBuiltInCodec(boxed)) {
        return Optional.of(new Codec(valueType, new HandlerMethodModel.BuiltIn(), primitive));
      }
      if (json.codec().isPresent()) {
        return Optional.of(
            new Codec(valueType, new HandlerMethodModel.Json(json.codec().get()), primitive));
      }
      String shown = TypeChecks.display(returnType);
      problems.add(
          Problem.on(
              method,
              "handler method `"
                  + methodName
                  + "` returns `"
                  + shown
                  + "`, which has no built-in result codec (built-in: "
                  + KnownTypes.CODEC_TYPES_DESCRIPTION
                  + "), so a duplicate delivery could not replay the result; "
                  + json.howToEnable()
                  + ", or implement io.idempo.runtime.ResultCodec<"
                  + shown
                  + "> and name it in @IdempotentHandler(codec = ...), or return void"));
      return Optional.empty();
    }

    private boolean hasBuiltInCodec(TypeMirror type) {
      if (type.getKind() == TypeKind.ARRAY) {
        return ((javax.lang.model.type.ArrayType) type).getComponentType().getKind()
            == TypeKind.BYTE;
      }
      if (type.getKind() != TypeKind.DECLARED) {
        return false;
      }
      TypeElement element = (TypeElement) ((DeclaredType) type).asElement();
      return element.getKind() == ElementKind.ENUM
          || KnownTypes.hasBuiltInCodec(element.getQualifiedName().toString());
    }

    private boolean checkCustomCodec(
        ExecutableElement method,
        AnnotationMirror annotation,
        AnnotationValue codecValue,
        TypeMirror codecType,
        TypeMirror boxedReturn) {
      String shownReturn = TypeChecks.display(boxedReturn);
      String fix =
          "; the codec must be a class with a public no-argument constructor that implements"
              + " io.idempo.runtime.ResultCodec<"
              + shownReturn
              + ">";
      if (codecType.getKind() != TypeKind.DECLARED) {
        problems.add(
            Problem.on(
                method,
                annotation,
                codecValue,
                "codec `" + codecType + "` is not a class" + fix));
        return false;
      }
      TypeElement codec = (TypeElement) ((DeclaredType) codecType).asElement();
      String codecName = TypeChecks.simpleNames(codec);
      String problem = null;
      if (codec.getKind() != ElementKind.CLASS) {
        problem = "is not a class";
      } else if (codec.getModifiers().contains(Modifier.ABSTRACT)) {
        problem = "is abstract";
      } else if (!codec.getTypeParameters().isEmpty()) {
        problem = "is generic, so it cannot be created without type arguments";
      } else if (codec.getNestingKind() == NestingKind.MEMBER
          && !codec.getModifiers().contains(Modifier.STATIC)) {
        problem = "is an inner class; declare it `static`";
      } else if (!checks.isAccessible(codec, pkg)) {
        problem = "is not accessible from package `" + pkg.getQualifiedName() + "`";
      } else if (!hasPublicNoArgConstructor(codec)) {
        problem = "has no public no-argument constructor";
      } else {
        TypeElement resultCodec = elements.getTypeElement(KnownTypes.RESULT_CODEC_NAME);
        DeclaredType wanted = types.getDeclaredType(resultCodec, boxedReturn);
        if (!types.isAssignable(codecType, wanted)) {
          problem = "does not implement ResultCodec<" + shownReturn + ">";
        }
      }
      if (problem == null) {
        return true;
      }
      problems.add(
          Problem.on(
              method,
              annotation,
              codecValue,
              "codec `"
                  + codecName
                  + "` of handler method `"
                  + method.getSimpleName()
                  + "` "
                  + problem
                  + fix));
      return false;
    }

    private boolean hasPublicNoArgConstructor(TypeElement codec) {
      for (ExecutableElement constructor :
          ElementFilter.constructorsIn(codec.getEnclosedElements())) {
        if (constructor.getParameters().isEmpty()
            && constructor.getModifiers().contains(Modifier.PUBLIC)) {
          return true;
        }
      }
      return false;
    }

    private void noteUnresolved(TypeMirror t) {
      TypeMirror error = TypeChecks.firstError(t);
      if (error != null) {
        unresolved.add(error.toString());
      }
    }

    private ClassName generatedName() {
      return ClassName.get(
          pkg.getQualifiedName().toString(),
          "Idempotent" + TypeChecks.simpleNames(type).replace('.', '_'));
    }

    /** The abstract and default methods of every interface the handler implements. */
    private List<ExecutableElement> interfaceMethods() {
      List<ExecutableElement> out = new ArrayList<>();
      Set<TypeElement> seen = new HashSet<>();
      for (TypeMirror iface : type.getInterfaces()) {
        collectInterfaceMethods(iface, seen, out);
      }
      return out;
    }

    private void collectInterfaceMethods(
        TypeMirror iface, Set<TypeElement> seen, List<ExecutableElement> out) {
      if (iface.getKind() != TypeKind.DECLARED) {
        return;
      }
      TypeElement element = (TypeElement) ((DeclaredType) iface).asElement();
      if (element.getKind() != ElementKind.INTERFACE || !seen.add(element)) {
        return;
      }
      for (ExecutableElement method : ElementFilter.methodsIn(element.getEnclosedElements())) {
        if (!method.getModifiers().contains(Modifier.STATIC)
            && !method.getModifiers().contains(Modifier.PRIVATE)) {
          out.add(method);
        }
      }
      for (TypeMirror superInterface : element.getInterfaces()) {
        collectInterfaceMethods(superInterface, seen, out);
      }
    }

    /** The interface methods a decorator forwards unchanged: all but the handler methods. */
    private List<ForwardedMethod> forwardedMethods(List<ExecutableElement> handlerMethods) {
      DeclaredType self = (DeclaredType) type.asType();
      List<ForwardedMethod> out = new ArrayList<>();
      for (ExecutableElement method : interfaceMethods()) {
        boolean handled = false;
        for (ExecutableElement handler : handlerMethods) {
          if (handler.getSimpleName().contentEquals(method.getSimpleName())
              && elements.overrides(handler, method, type)) {
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
     * Names that generated fields, constants and locals must avoid: every parameter and type
     * variable the generated class declares, and every field of the handler's class hierarchy.
     */
    private Set<String> reservedNames(
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
      for (TypeParameterElement typeParameter : type.getTypeParameters()) {
        names.add(typeParameter.getSimpleName().toString());
      }
      for (TypeElement t = type; t != null; t = superclass(t)) {
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

  private static List<String> methodNames(List<ExecutableElement> methods) {
    Set<String> names = new LinkedHashSet<>();
    for (ExecutableElement method : methods) {
      names.add(method.getSimpleName().toString());
    }
    return new ArrayList<>(names);
  }

  private static List<String> names(List<VariableElement> parameters) {
    List<String> names = new ArrayList<>();
    for (VariableElement parameter : parameters) {
      names.add(parameter.getSimpleName().toString());
    }
    return names;
  }

  /** The {@code @IdempotentHandler} annotation on {@code method}. */
  static AnnotationMirror handlerAnnotation(Element method) {
    return annotation(method, KnownTypes.HANDLER_ANNOTATION);
  }

  /** The {@code @IdempotencyKey} annotation on {@code parameter}, or null. */
  static AnnotationMirror keyAnnotation(Element parameter) {
    return annotation(parameter, KnownTypes.KEY_ANNOTATION);
  }

  private static AnnotationMirror annotation(Element element, String name) {
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      TypeElement annotationType = (TypeElement) mirror.getAnnotationType().asElement();
      if (annotationType.getQualifiedName().contentEquals(name)) {
        return mirror;
      }
    }
    return null;
  }

  /** The value written for {@code attribute}, or null if it is left at its default. */
  private static AnnotationValue explicitValue(AnnotationMirror mirror, String attribute) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry :
        mirror.getElementValues().entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals(attribute)) {
        return entry.getValue();
      }
    }
    return null;
  }

  /** The value of {@code attribute}, written or default, as a string (an enum by its name). */
  private String stringValue(AnnotationMirror mirror, String attribute) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry :
        elements.getElementValuesWithDefaults(mirror).entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals(attribute)) {
        Object value = entry.getValue().getValue();
        if (value instanceof VariableElement constant) {
          return constant.getSimpleName().toString();
        }
        return String.valueOf(value);
      }
    }
    throw new IllegalArgumentException("no attribute " + attribute + " on " + mirror);
  }

  /** The class of a {@code Class<?>} attribute, or null if javac could not resolve it. */
  private static TypeMirror classValue(AnnotationValue value) {
    Object v = value.getValue();
    return v instanceof TypeMirror type ? type : null;
  }
}
