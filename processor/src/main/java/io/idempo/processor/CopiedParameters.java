package io.idempo.processor;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.WildcardTypeName;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.Elements;

/**
 * Writes a handler constructor's parameters for the wrapper's constructor with all their
 * annotations, declaration and type-use, which an injector reads to choose what to pass.
 */
final class CopiedParameters {

  private final Elements elements;

  CopiedParameters(Elements elements) {
    this.elements = elements;
  }

  /**
   * A constructor parameter as the handler declares it, so that an injector reads the same
   * qualifiers from the wrapper: every declaration annotation ({@code @Qualifier}, {@code @Value},
   * {@code @Named}...) and the type with its type annotations ({@code @Nullable}...), which
   * JavaPoet's {@code TypeName.get} would drop. Adds to {@code suppressed} the warnings that using
   * a deprecated annotation type would cause, as it did in the handler.
   */
  ParameterSpec copy(VariableElement parameter, Set<String> suppressed) {
    Set<String> declarationAnnotations = new HashSet<>();
    List<AnnotationSpec> annotations = new ArrayList<>();
    for (AnnotationMirror annotation : parameter.getAnnotationMirrors()) {
      declarationAnnotations.add(annotationName(annotation));
      annotations.add(AnnotationSpec.get(annotation));
      deprecationWarning(annotation).ifPresent(suppressed::add);
    }
    TypeName type = annotatedType(parameter.asType(), declarationAnnotations, suppressed);
    return ParameterSpec.builder(type, parameter.getSimpleName().toString())
        .addAnnotations(annotations)
        .build();
  }

  /**
   * {@code type} with its type annotations, wherever they are (as in {@code List<@Nullable
   * String>}). An annotation that applies both to the parameter and to its type was written once,
   * on the parameter; the names in {@code writtenOnParameter} are not repeated on the type it
   * reached: the type itself, or an array's innermost component type.
   */
  private TypeName annotatedType(
      TypeMirror type, Set<String> writtenOnParameter, Set<String> suppressed) {
    if (!hasTypeAnnotations(type)) {
      return TypeName.get(type);
    }
    TypeName name =
        switch (type.getKind()) {
          case ARRAY ->
              ArrayTypeName.of(
                  annotatedType(
                      ((ArrayType) type).getComponentType(), writtenOnParameter, suppressed));
          case DECLARED -> annotatedDeclared((DeclaredType) type, suppressed);
          case WILDCARD -> {
            WildcardType wildcard = (WildcardType) type;
            if (wildcard.getSuperBound() != null) {
              yield WildcardTypeName.supertypeOf(
                  annotatedType(wildcard.getSuperBound(), Set.of(), suppressed));
            }
            yield wildcard.getExtendsBound() == null
                ? TypeName.get(type)
                : WildcardTypeName.subtypeOf(
                    annotatedType(wildcard.getExtendsBound(), Set.of(), suppressed));
          }
          default -> TypeName.get(type);
        };
    List<AnnotationSpec> annotations = new ArrayList<>();
    for (AnnotationMirror annotation : type.getAnnotationMirrors()) {
      if (type.getKind() == TypeKind.ARRAY
          || !writtenOnParameter.contains(annotationName(annotation))) {
        annotations.add(AnnotationSpec.get(annotation));
        deprecationWarning(annotation).ifPresent(suppressed::add);
      }
    }
    return annotations.isEmpty() ? name : name.annotated(annotations);
  }

  private TypeName annotatedDeclared(DeclaredType type, Set<String> suppressed) {
    TypeMirror enclosing = type.getEnclosingType();
    if (type.getTypeArguments().isEmpty()
        || (enclosing.getKind() == TypeKind.DECLARED
            && !((DeclaredType) enclosing).getTypeArguments().isEmpty())) {
      // A member type of a parameterized type (Outer<T>.Inner<U>) keeps its own annotations
      // only: rare enough not to rebuild it part by part.
      return TypeName.get(type);
    }
    List<TypeName> arguments = new ArrayList<>();
    for (TypeMirror argument : type.getTypeArguments()) {
      arguments.add(annotatedType(argument, Set.of(), suppressed));
    }
    return ParameterizedTypeName.get(
        ClassName.get((TypeElement) type.asElement()), arguments.toArray(new TypeName[0]));
  }

  /** True if {@code type} or any type it is written with carries a type annotation. */
  private static boolean hasTypeAnnotations(TypeMirror type) {
    if (!type.getAnnotationMirrors().isEmpty()) {
      return true;
    }
    for (TypeMirror part : TypeChecks.parts(type)) {
      if (hasTypeAnnotations(part)) {
        return true;
      }
    }
    return false;
  }

  private static String annotationName(AnnotationMirror annotation) {
    return ((TypeElement) annotation.getAnnotationType().asElement()).getQualifiedName().toString();
  }

  /**
   * The warning that writing {@code annotation} causes if its type is deprecated: {@code removal}
   * or {@code deprecation}.
   */
  private Optional<String> deprecationWarning(AnnotationMirror annotation) {
    Element type = annotation.getAnnotationType().asElement();
    if (!elements.isDeprecated(type)) {
      return Optional.empty();
    }
    Deprecated deprecated = type.getAnnotation(Deprecated.class);
    return Optional.of(
        deprecated != null && deprecated.forRemoval() ? "removal" : "deprecation");
  }
}
