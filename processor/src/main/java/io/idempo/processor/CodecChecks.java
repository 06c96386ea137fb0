package io.idempo.processor;

import static io.idempo.processor.AnnotationValues.classValue;
import static io.idempo.processor.AnnotationValues.explicitValue;

import com.palantir.javapoet.TypeName;
import io.idempo.processor.HandlerMethodModel.Codec;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Chooses the result codec of a handler method that returns a value, in the order {@code
 * docs/generated-code.md} gives (the annotation's {@code codec}, the starter's {@code
 * ResponseEntityCodec} for a Spring {@code ResponseEntity}, a built-in codec, JSON), and checks
 * that a named codec fits.
 */
final class CodecChecks {

  private final Elements elements;
  private final Types types;
  private final TypeChecks checks;
  private final JsonSupport json;

  CodecChecks(Elements elements, Types types, TypeChecks checks) {
    this.elements = elements;
    this.types = types;
    this.checks = checks;
    this.json = JsonSupport.detect(elements);
  }

  /** The codec of {@code method}, empty for a void method or when there is a problem. */
  Optional<Codec> check(
      ClassValidation target,
      ExecutableElement method,
      ExecutableType signature,
      AnnotationMirror annotation) {
    TypeMirror returnType = signature.getReturnType();
    AnnotationValue codecValue = explicitValue(annotation, "codec");
    TypeMirror codecType = codecValue == null ? null : classValue(codecValue);
    if (codecValue != null && codecType == null) {
      target.unresolved.add(String.valueOf(codecValue.getValue()));
      return Optional.empty();
    }
    if (codecType != null && codecType.getKind() == TypeKind.VOID) {
      codecType = null;
    }
    if (codecType != null && codecType.getKind() == TypeKind.ERROR) {
      target.unresolved.add(codecType.toString());
      return Optional.empty();
    }
    String methodName = method.getSimpleName().toString();
    if (returnType.getKind() == TypeKind.VOID) {
      if (codecType != null) {
        target.problems.add(
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
      target.problems.add(
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
        primitive
            ? types.boxedClass((javax.lang.model.type.PrimitiveType) returnType).asType()
            : returnType;
    TypeName valueType = TypeName.get(boxed);
    if (codecType != null) {
      return checkCustomCodec(target, method, annotation, codecValue, codecType, boxed)
          ? Optional.of(
              new Codec(
                  valueType, new HandlerMethodModel.Custom(TypeName.get(codecType)), primitive))
          : Optional.empty();
    }
    if (isResponseEntity(boxed)) {
      return responseEntityCodec(target, method, (DeclaredType) boxed)
          .map(source -> new Codec(valueType, source, false));
    }
    Optional<HandlerMethodModel.Source> source = defaultSource(boxed);
    if (source.isPresent()) {
      return Optional.of(new Codec(valueType, source.get(), primitive));
    }
    String shown = TypeChecks.display(returnType);
    target.problems.add(
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

  /** A built-in codec, else JSON if the class path has it; empty if neither fits {@code type}. */
  private Optional<HandlerMethodModel.Source> defaultSource(TypeMirror type) {
    if (hasBuiltInCodec(type)) {
      return Optional.of(new HandlerMethodModel.BuiltIn());
    }
    return json.codec().map(HandlerMethodModel.Json::new);
  }

  private static boolean isResponseEntity(TypeMirror type) {
    return type.getKind() == TypeKind.DECLARED
        && ((TypeElement) ((DeclaredType) type).asElement())
            .getQualifiedName()
            .contentEquals(KnownTypes.RESPONSE_ENTITY);
  }

  /**
   * The starter's {@code ResponseEntityCodec} for {@code ResponseEntity<B>}, with the codec this
   * class would choose for {@code B} as its body codec; no body codec for {@code Void}.
   */
  private Optional<HandlerMethodModel.Source> responseEntityCodec(
      ClassValidation target, ExecutableElement method, DeclaredType responseEntity) {
    String methodName = method.getSimpleName().toString();
    String shown = TypeChecks.display(responseEntity);
    if (elements.getTypeElement(KnownTypes.RESPONSE_ENTITY_CODEC.canonicalName()) == null) {
      target.problems.add(
          Problem.on(
              method,
              "handler method `"
                  + methodName
                  + "` returns `"
                  + shown
                  + "`, but "
                  + KnownTypes.RESPONSE_ENTITY_CODEC.canonicalName()
                  + " is not on the class path to store it, so a retry could not replay the"
                  + " response; add io.idempo:idempo-spring-boot-starter to the build, or"
                  + " implement io.idempo.runtime.ResultCodec<"
                  + shown
                  + "> and name it in @IdempotentHandler(codec = ...)"));
      return Optional.empty();
    }
    TypeMirror bodyType =
        responseEntity.getTypeArguments().size() == 1
            ? responseEntity.getTypeArguments().get(0)
            : null;
    if (bodyType == null
        || (bodyType.getKind() != TypeKind.DECLARED && bodyType.getKind() != TypeKind.ARRAY)) {
      target.problems.add(
          Problem.on(
              method,
              "handler method `"
                  + methodName
                  + "` returns `"
                  + shown
                  + "`, whose body type is "
                  + (bodyType == null ? "not given (a raw type)" : "not a concrete type")
                  + ", so no codec can store the body for a retry; return ResponseEntity<B> with"
                  + " the body's class as B, or ResponseEntity<Void> for no body"));
      return Optional.empty();
    }
    if (bodyType.getKind() == TypeKind.DECLARED
        && ((TypeElement) ((DeclaredType) bodyType).asElement())
            .getQualifiedName()
            .contentEquals("java.lang.Void")) {
      return Optional.of(new HandlerMethodModel.Response(Optional.empty()));
    }
    Optional<HandlerMethodModel.Source> body = defaultSource(bodyType);
    if (body.isEmpty()) {
      String shownBody = TypeChecks.display(bodyType);
      target.problems.add(
          Problem.on(
              method,
              "handler method `"
                  + methodName
                  + "` returns `"
                  + shown
                  + "`, and its body type `"
                  + shownBody
                  + "` has no built-in result codec (built-in: "
                  + KnownTypes.CODEC_TYPES_DESCRIPTION
                  + "), so a retry could not replay the body; "
                  + json.howToEnable()
                  + ", or implement io.idempo.runtime.ResultCodec<"
                  + shown
                  + "> and name it in @IdempotentHandler(codec = ...)"));
      return Optional.empty();
    }
    return Optional.of(
        new HandlerMethodModel.Response(
            Optional.of(new Codec(TypeName.get(bodyType), body.get(), false))));
  }

  private boolean hasBuiltInCodec(TypeMirror type) {
    if (type.getKind() == TypeKind.ARRAY) {
      return ((javax.lang.model.type.ArrayType) type).getComponentType().getKind() == TypeKind.BYTE;
    }
    if (type.getKind() != TypeKind.DECLARED) {
      return false;
    }
    TypeElement element = (TypeElement) ((DeclaredType) type).asElement();
    return element.getKind() == ElementKind.ENUM
        || KnownTypes.hasBuiltInCodec(element.getQualifiedName().toString());
  }

  private boolean checkCustomCodec(
      ClassValidation target,
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
      target.problems.add(
          Problem.on(
              method, annotation, codecValue, "codec `" + codecType + "` is not a class" + fix));
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
    } else if (!checks.isAccessible(codec, target.pkg)) {
      problem = "is not accessible from package `" + target.pkg.getQualifiedName() + "`";
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
    target.problems.add(
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
}
