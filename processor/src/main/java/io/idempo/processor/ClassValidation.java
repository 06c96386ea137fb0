package io.idempo.processor;

import com.palantir.javapoet.ClassName;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;

/**
 * The state of validating one handler class: the class, the package its wrapper goes to, and what
 * the checks have found so far (problems and warnings to report, types not resolvable yet).
 */
final class ClassValidation {
  final TypeElement type;
  final PackageElement pkg;

  /** The class's simple names joined by dots, such as {@code Handlers.Payments}. */
  final String typeName;

  /** The errors found; any of them means no wrapper is generated. */
  final List<Problem> problems = new ArrayList<>();

  /** The warnings found, not suppressed; the wrapper is generated all the same. */
  final List<Problem> warnings = new ArrayList<>();

  final Set<String> unresolved = new LinkedHashSet<>();

  ClassValidation(TypeElement type, PackageElement pkg) {
    this.type = type;
    this.pkg = pkg;
    this.typeName = TypeChecks.simpleNames(type);
  }

  /** Notes the first unresolved type in {@code t}, if any, so the class waits for a later round. */
  void noteUnresolved(TypeMirror t) {
    TypeMirror error = TypeChecks.firstError(t);
    if (error != null) {
      unresolved.add(error.toString());
    }
  }

  /** True if the class cannot be subclassed, so its wrapper is a decorator. */
  boolean isFinalLike() {
    return type.getKind() == ElementKind.RECORD
        || type.getModifiers().contains(Modifier.FINAL)
        || type.getModifiers().contains(Modifier.SEALED);
  }

  /** Why the class cannot be subclassed, for messages: "is a record", "is sealed", "is final". */
  String whyNotExtensible() {
    if (type.getKind() == ElementKind.RECORD) {
      return "is a record";
    }
    if (type.getModifiers().contains(Modifier.SEALED)) {
      return "is sealed";
    }
    return "is final";
  }

  /** The generated wrapper class. */
  ClassName wrapperName() {
    return ClassName.get(pkg.getQualifiedName().toString(), Names.wrapperSimpleName(type));
  }

  /** The abstract and default methods of every interface the handler implements. */
  List<ExecutableElement> interfaceMethods() {
    List<ExecutableElement> out = new ArrayList<>();
    Set<TypeElement> seen = new HashSet<>();
    for (TypeMirror iface : type.getInterfaces()) {
      collectInterfaceMethods(iface, seen, out);
    }
    return out;
  }

  private static void collectInterfaceMethods(
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
}
