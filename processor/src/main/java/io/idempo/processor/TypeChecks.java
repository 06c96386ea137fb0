package io.idempo.processor;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.IntersectionType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.Elements;

/** Questions about types that validation asks repeatedly: accessibility, resolution, display. */
final class TypeChecks {

  private final Elements elements;

  TypeChecks(Elements elements) {
    this.elements = elements;
  }

  /** The package that declares {@code element}. */
  PackageElement packageOf(Element element) {
    return elements.getPackageOf(element);
  }

  /**
   * True if code in {@code pkg} that is not nested in any other class can name {@code type}: every
   * enclosing class is public, or not private and in {@code pkg}.
   */
  boolean isAccessible(TypeElement type, PackageElement pkg) {
    for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
      Set<Modifier> modifiers = e.getModifiers();
      if (modifiers.contains(Modifier.PRIVATE)) {
        return false;
      }
      if (!modifiers.contains(Modifier.PUBLIC) && !packageOf(e).equals(pkg)) {
        return false;
      }
    }
    return true;
  }

  /**
   * True if a member with {@code modifiers}, declared in {@code owner}, can be used from {@code
   * pkg} by a class that is not a subclass of {@code owner}.
   */
  boolean isMemberAccessible(Set<Modifier> modifiers, TypeElement owner, PackageElement pkg) {
    if (modifiers.contains(Modifier.PRIVATE)) {
      return false;
    }
    if (owner.getKind() == ElementKind.INTERFACE || modifiers.contains(Modifier.PUBLIC)) {
      return true;
    }
    return packageOf(owner).equals(pkg);
  }

  /**
   * The first type that {@code pkg} cannot name in {@code type}, or null if all of it can be
   * written in a source file of {@code pkg}.
   */
  TypeElement firstInaccessible(TypeMirror type, PackageElement pkg) {
    if (type.getKind() == TypeKind.DECLARED) {
      TypeElement element = (TypeElement) ((DeclaredType) type).asElement();
      if (!isAccessible(element, pkg)) {
        return element;
      }
    }
    for (TypeMirror part : parts(type)) {
      TypeElement inaccessible = firstInaccessible(part, pkg);
      if (inaccessible != null) {
        return inaccessible;
      }
    }
    return null;
  }

  /**
   * The first type that {@code pkg} cannot name in {@code annotation}: its annotation type, or a
   * class, enum or annotation in its values. Null if the annotation can be written in {@code pkg}.
   */
  TypeElement firstInaccessible(AnnotationMirror annotation, PackageElement pkg) {
    TypeElement type = firstInaccessible(annotation.getAnnotationType(), pkg);
    if (type != null) {
      return type;
    }
    for (AnnotationValue value : annotation.getElementValues().values()) {
      type = firstInaccessible(value, pkg);
      if (type != null) {
        return type;
      }
    }
    return null;
  }

  private TypeElement firstInaccessible(AnnotationValue value, PackageElement pkg) {
    Object v = value.getValue();
    if (v instanceof TypeMirror type) {
      return firstInaccessible(type, pkg);
    }
    if (v instanceof VariableElement constant
        && constant.getEnclosingElement() instanceof TypeElement owner) {
      return isAccessible(owner, pkg) ? null : owner;
    }
    if (v instanceof AnnotationMirror nested) {
      return firstInaccessible(nested, pkg);
    }
    if (v instanceof List<?> values) {
      for (Object element : values) {
        TypeElement type =
            element instanceof AnnotationValue av ? firstInaccessible(av, pkg) : null;
        if (type != null) {
          return type;
        }
      }
    }
    return null;
  }

  /** The first unresolved (error) type in {@code type}, or null if it is fully resolved. */
  static TypeMirror firstError(TypeMirror type) {
    if (type.getKind() == TypeKind.ERROR) {
      return type;
    }
    for (TypeMirror part : parts(type)) {
      TypeMirror error = firstError(part);
      if (error != null) {
        return error;
      }
    }
    return null;
  }

  /** True if {@code type} mentions a type variable anywhere. */
  static boolean mentionsTypeVariable(TypeMirror type) {
    if (type.getKind() == TypeKind.TYPEVAR) {
      return true;
    }
    for (TypeMirror part : parts(type)) {
      if (mentionsTypeVariable(part)) {
        return true;
      }
    }
    return false;
  }

  /** True if {@code type} uses a generic class without type arguments anywhere. */
  static boolean mentionsRawType(TypeMirror type) {
    if (type.getKind() == TypeKind.DECLARED) {
      DeclaredType declared = (DeclaredType) type;
      TypeElement element = (TypeElement) declared.asElement();
      if (!element.getTypeParameters().isEmpty() && declared.getTypeArguments().isEmpty()) {
        return true;
      }
      if (declared.getEnclosingType().getKind() == TypeKind.DECLARED
          && mentionsRawType(declared.getEnclosingType())) {
        return true;
      }
    }
    for (TypeMirror part : parts(type)) {
      if (mentionsRawType(part)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The types {@code type} is written with: type arguments, an array's component type, a
   * wildcard's bound.
   */
  static List<TypeMirror> parts(TypeMirror type) {
    List<TypeMirror> parts = new ArrayList<>();
    switch (type.getKind()) {
      case DECLARED -> parts.addAll(((DeclaredType) type).getTypeArguments());
      case ARRAY -> parts.add(((ArrayType) type).getComponentType());
      case WILDCARD -> {
        WildcardType wildcard = (WildcardType) type;
        if (wildcard.getExtendsBound() != null) {
          parts.add(wildcard.getExtendsBound());
        }
        if (wildcard.getSuperBound() != null) {
          parts.add(wildcard.getSuperBound());
        }
      }
      default -> {}
    }
    return parts;
  }

  /**
   * The upper bounds to look members up on, for a type variable or intersection; the type itself
   * otherwise.
   */
  static List<TypeMirror> bounds(TypeMirror type) {
    List<TypeMirror> out = new ArrayList<>();
    if (type.getKind() == TypeKind.TYPEVAR) {
      out.addAll(bounds(((TypeVariable) type).getUpperBound()));
    } else if (type.getKind() == TypeKind.INTERSECTION) {
      for (TypeMirror bound : ((IntersectionType) type).getBounds()) {
        out.addAll(bounds(bound));
      }
    } else {
      out.add(type);
    }
    return out;
  }

  /** True for {@code boolean} and {@code Boolean}, whose getters may be named {@code isX()}. */
  static boolean isBoolean(TypeMirror type) {
    return type.getKind() == TypeKind.BOOLEAN
        || (type.getKind() == TypeKind.DECLARED
            && ((TypeElement) ((DeclaredType) type).asElement())
                .getQualifiedName()
                .contentEquals("java.lang.Boolean"));
  }

  /** A short, readable form of {@code type} for messages: simple names, with type arguments. */
  static String display(TypeMirror type) {
    return switch (type.getKind()) {
      case DECLARED -> {
        DeclaredType declared = (DeclaredType) type;
        String name = simpleNames((TypeElement) declared.asElement());
        if (declared.getTypeArguments().isEmpty()) {
          yield name;
        }
        List<String> shown = new ArrayList<>();
        for (TypeMirror argument : declared.getTypeArguments()) {
          shown.add(display(argument));
        }
        yield name + "<" + String.join(", ", shown) + ">";
      }
      case ARRAY -> display(((ArrayType) type).getComponentType()) + "[]";
      case WILDCARD -> {
        WildcardType wildcard = (WildcardType) type;
        if (wildcard.getExtendsBound() != null) {
          yield "? extends " + display(wildcard.getExtendsBound());
        }
        if (wildcard.getSuperBound() != null) {
          yield "? super " + display(wildcard.getSuperBound());
        }
        yield "?";
      }
      default -> type.toString();
    };
  }

  /** {@code Outer.Inner} for a nested class, the simple name for a top-level one. */
  static String simpleNames(TypeElement type) {
    List<String> names = new ArrayList<>();
    for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
      names.add(0, e.getSimpleName().toString());
    }
    return String.join(".", names);
  }
}
