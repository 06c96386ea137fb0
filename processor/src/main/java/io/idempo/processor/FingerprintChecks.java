package io.idempo.processor;

import static io.idempo.processor.AnnotationValues.explicitValue;

import io.idempo.processor.Fingerprint.Bean;
import io.idempo.processor.Fingerprint.Leaf;
import io.idempo.processor.Fingerprint.Property;
import io.idempo.processor.Fingerprint.Sequence;
import io.idempo.processor.Fingerprint.Value;
import io.idempo.processor.KeyPath.Access;
import io.idempo.processor.KeyPathResolver.PathKind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * The checks on {@code @IdempotentHandler(fingerprint = ...)}: each path resolves as a key path
 * does, and the value at its end is one a fingerprint can encode, expanded at compile time into
 * its leaves (records and beans into their properties, lists and arrays into their elements).
 * Builds the handler's {@link Fingerprint}.
 */
final class FingerprintChecks {

  private static final String ATTRIBUTE = "fingerprint";

  private static final String ENCODABLE =
      "a fingerprint encodes "
          + KnownTypes.KEY_TYPES_DESCRIPTION
          + ", byte[], a record or a class with getters (expanded into its properties), or a"
          + " List, Collection or array of those";

  private final Types types;
  private final TypeChecks checks;
  private final KeyPathResolver resolver;
  private final TypeMirror collection;
  private final TypeMirror list;
  private final TypeMirror map;
  private final TypeMirror set;

  FingerprintChecks(Elements elements, Types types, TypeChecks checks, KeyPathResolver resolver) {
    this.types = types;
    this.checks = checks;
    this.resolver = resolver;
    this.collection = types.erasure(elements.getTypeElement("java.util.Collection").asType());
    this.list = types.erasure(elements.getTypeElement("java.util.List").asType());
    this.map = types.erasure(elements.getTypeElement("java.util.Map").asType());
    this.set = types.erasure(elements.getTypeElement("java.util.Set").asType());
  }

  /**
   * Checks the fingerprint of {@code method}, whose key path is {@code keyPath} (null if it has a
   * problem); adds any problem to {@code target}. Empty if the handler keeps no fingerprint or has
   * a problem.
   */
  Optional<Fingerprint> check(
      ClassValidation target,
      ExecutableElement method,
      ExecutableType signature,
      AnnotationMirror annotation,
      KeyPath keyPath) {
    AnnotationValue attribute = explicitValue(annotation, ATTRIBUTE);
    List<AnnotationValue> written = values(attribute);
    if (written.isEmpty()) {
      return Optional.empty();
    }
    String methodName = method.getSimpleName().toString();
    if (keyPath != null && keyPath.batch().isPresent()) {
      target.problems.add(
          Problem.on(
              method,
              annotation,
              attribute,
              "fingerprint is not supported on batch handlers: handler method `"
                  + methodName
                  + "` (key path `"
                  + keyPath.text()
                  + "`) claims one key per message, and the store keeps no fingerprint with a"
                  + " batch's keys. Remove the fingerprint, or handle each message in a handler"
                  + " method of its own (a single-message key path) that names one"));
      return Optional.empty();
    }
    int before = target.problems.size();
    List<String> texts = new ArrayList<>();
    List<Fingerprint.Path> paths = new ArrayList<>();
    for (AnnotationValue value : written) {
      String text = String.valueOf(value.getValue());
      Problem problem = listingProblem(method, annotation, value, text, texts);
      texts.add(text);
      if (problem != null) {
        target.problems.add(problem);
        continue;
      }
      KeyPathResolver.Result result =
          resolver.walk(text, PathKind.FINGERPRINT, method, signature, target.pkg);
      if (result instanceof KeyPathResolver.Unresolved missing) {
        target.unresolved.add(missing.typeName());
      } else if (result instanceof KeyPathResolver.Invalid invalid) {
        target.problems.add(Problem.on(method, annotation, value, invalid.message()));
      } else if (result instanceof KeyPathResolver.Walked walked) {
        KeyPath.Step last = walked.steps().get(walked.steps().size() - 1);
        Expansion expansion = new Expansion(text, target.pkg);
        Value expanded = expansion.expand(last.type(), text, 0);
        if (expansion.unresolved != null) {
          target.unresolved.add(expansion.unresolved);
        } else if (expanded == null) {
          target.problems.add(Problem.on(method, annotation, value, expansion.problem));
        } else {
          paths.add(new Fingerprint.Path(text, walked.steps(), expanded));
        }
      }
    }
    if (target.problems.size() > before || paths.size() < written.size()) {
      return Optional.empty();
    }
    return Optional.of(new Fingerprint(paths));
  }

  /** An empty, repeated or overlapping path, or null if {@code text} is none of these. */
  private static Problem listingProblem(
      ExecutableElement method,
      AnnotationMirror annotation,
      AnnotationValue value,
      String text,
      List<String> before) {
    if (text.isBlank()) {
      return Problem.on(
          method,
          annotation,
          value,
          "handler method `"
              + method.getSimpleName()
              + "` has an empty fingerprint path; write a path into a parameter, such as"
              + " `request` (the whole request) or `request.amount`, or remove it");
    }
    for (String earlier : before) {
      String problem;
      if (earlier.equals(text)) {
        problem = "is listed twice; remove one";
      } else if (text.startsWith(earlier + ".")) {
        problem =
            "is inside `"
                + earlier
                + "`, which the fingerprint already expands whole; keep only `"
                + earlier
                + "`";
      } else if (earlier.startsWith(text + ".")) {
        problem =
            "contains `" + earlier + "`, which would be fingerprinted twice; keep only `" + text
                + "`";
      } else {
        continue;
      }
      return Problem.on(
          method,
          annotation,
          value,
          "fingerprint path `"
              + text
              + "` of handler method `"
              + method.getSimpleName()
              + "` "
              + problem);
    }
    return null;
  }

  /** The values of the {@code fingerprint} attribute as written; empty if left at its default. */
  private static List<AnnotationValue> values(AnnotationValue attribute) {
    List<AnnotationValue> values = new ArrayList<>();
    if (attribute == null) {
      return values;
    }
    if (attribute.getValue() instanceof List<?> list) {
      for (Object element : list) {
        if (element instanceof AnnotationValue value) {
          values.add(value);
        }
      }
    }
    return values;
  }

  /** Expands the value at the end of one fingerprint path; records the first problem. */
  private final class Expansion {
    final String text;
    final PackageElement pkg;
    /** The records and beans being expanded, outermost last. */
    final Deque<TypeMirror> expanding = new ArrayDeque<>();
    String problem;
    String unresolved;

    Expansion(String text, PackageElement pkg) {
      this.text = text;
      this.pkg = pkg;
    }

    /**
     * The value of {@code type} at {@code at}, {@code depth} levels below the path's end; null if
     * it cannot be fingerprinted.
     */
    Value expand(TypeMirror type, String at, int depth) {
      TypeMirror error = TypeChecks.firstError(type);
      if (error != null) {
        unresolved = error.toString();
        return null;
      }
      if (depth > Fingerprint.MAX_DEPTH) {
        return fail(
            "reaches `"
                + at
                + "`, more than "
                + Fingerprint.MAX_DEPTH
                + " levels of records, beans, lists and arrays below the path; a fingerprint"
                + " expands at most "
                + Fingerprint.MAX_DEPTH
                + ". Name the properties that identify the content as fingerprint paths of their"
                + " own, such as `"
                + text
                + ".<property>`");
      }
      if (type.getKind().isPrimitive()) {
        return new Leaf(type);
      }
      if (type.getKind() == TypeKind.ARRAY) {
        TypeMirror component = ((ArrayType) type).getComponentType();
        if (component.getKind() == TypeKind.BYTE) {
          return new Leaf(type);
        }
        Value element = expand(component, at + "[i]", depth + 1);
        return element == null ? null : new Sequence(type, true, element);
      }
      if (type.getKind() != TypeKind.DECLARED || TypeChecks.mentionsTypeVariable(type)) {
        return unsupported(
            type,
            at,
            "its type is known only at run time; fingerprint properties of a concrete type");
      }
      DeclaredType declared = (DeclaredType) type;
      TypeElement element = (TypeElement) declared.asElement();
      if (TypeChecks.mentionsRawType(type)) {
        return unsupported(
            type, at, "a raw type; declare its type arguments, such as `List<Item>`");
      }
      if (mentionsWildcard(type)) {
        return unsupported(
            type,
            at,
            "a wildcard type, whose content is unknown at compile time; declare exact type"
                + " arguments, such as `List<Item>`");
      }
      if (resolver.keyForm(type) != null) {
        if (element.getQualifiedName().contentEquals(KnownTypes.ZONE_ID)) {
          return unsupported(
              type,
              at,
              "a ZoneId, whose region ids have no java.time ISO form; fingerprint `"
                  + at
                  + ".id` (its String id) instead");
        }
        return new Leaf(type);
      }
      TypeMirror erased = types.erasure(type);
      if (types.isSubtype(erased, collection)) {
        if (!types.isSameType(erased, collection) && !types.isSubtype(erased, list)) {
          return unsupported(
              type,
              at,
              (types.isSubtype(erased, set) ? "a Set" : "a Collection that is not a List")
                  + ", whose iteration order need not be the same from one delivery to the next,"
                  + " so the same content could give another fingerprint; declare it as a"
                  + " `List`");
        }
        TypeMirror elementType = collectionElement(type);
        if (elementType == null) {
          return unsupported(
              type, at, "a Collection whose element type is unknown; " + ENCODABLE);
        }
        Value value = expand(elementType, at + "[i]", depth + 1);
        return value == null ? null : new Sequence(type, false, value);
      }
      if (types.isSubtype(erased, map)) {
        return unsupported(
            type,
            at,
            "a Map, whose entries have no order a fingerprint could rely on; fingerprint the"
                + " properties that identify the content, or a List of entries");
      }
      String qualified = element.getQualifiedName().toString();
      if (qualified.startsWith("java.") || qualified.startsWith("javax.")) {
        return unsupported(type, at, ENCODABLE);
      }
      if (expanding.stream().anyMatch(outer -> types.isSameType(outer, type))) {
        return fail(
            "reaches `"
                + at
                + "`, another `"
                + TypeChecks.simpleNames(element)
                + "` inside a `"
                + TypeChecks.simpleNames(element)
                + "`: the type is recursive, so expanding it would never end. Name the"
                + " properties that identify the content as fingerprint paths of their own, such"
                + " as `"
                + text
                + ".<property>`");
      }
      TypeElement inaccessible = checks.firstInaccessible(type, pkg);
      if (inaccessible != null) {
        return fail(
            "reaches `"
                + at
                + "` of type `"
                + TypeChecks.display(type)
                + "`, but `"
                + TypeChecks.simpleNames(inaccessible)
                + "` is not accessible from package `"
                + pkg.getQualifiedName()
                + "` where the wrapper is generated; make it package-private or public");
      }
      List<Element> members = properties(declared, element);
      if (members.isEmpty()) {
        return unsupported(
            type,
            at,
            "a type with no properties to fingerprint (a record component, a getter or an"
                + " accessible field); "
                + ENCODABLE);
      }
      expanding.push(type);
      List<Property> properties = new ArrayList<>();
      for (Element member : members) {
        String name = propertyName(member);
        TypeMirror memberType =
            member.getKind() == ElementKind.FIELD
                ? types.asMemberOf(declared, member)
                : ((ExecutableType) types.asMemberOf(declared, member)).getReturnType();
        Value value = expand(memberType, at + "." + name, depth + 1);
        if (value == null) {
          expanding.pop();
          return null;
        }
        properties.add(
            new Property(
                name,
                member.getKind() == ElementKind.FIELD ? Access.FIELD : Access.METHOD,
                member.getSimpleName().toString(),
                value));
      }
      expanding.pop();
      return new Bean(type, properties);
    }

    private Value unsupported(TypeMirror type, String at, String why) {
      return fail(
          "reaches `"
              + at
              + "` of type `"
              + TypeChecks.display(type)
              + "`, which a fingerprint cannot encode: "
              + why);
    }

    private Value fail(String message) {
      if (problem == null) {
        problem = "fingerprint path `" + text + "` " + message;
      }
      return null;
    }

    /**
     * The properties of a record (its components) or class (its getters, then its accessible
     * fields), in declaration order: the class's own first, then its superclasses' and
     * interfaces'; a name is taken once.
     */
    private List<Element> properties(DeclaredType type, TypeElement element) {
      List<Element> out = new ArrayList<>();
      if (element.getKind() == ElementKind.RECORD) {
        for (RecordComponentElement component : element.getRecordComponents()) {
          if (component.getAccessor() != null) {
            out.add(component.getAccessor());
          }
        }
        return out;
      }
      Set<String> names = new LinkedHashSet<>();
      List<TypeElement> hierarchy = hierarchy(element);
      for (TypeElement t : hierarchy) {
        for (ExecutableElement method : ElementFilter.methodsIn(t.getEnclosedElements())) {
          String property = Names.propertyOfGetter(method.getSimpleName().toString());
          if (property == null
              || method.getModifiers().contains(Modifier.STATIC)
              || !method.getParameters().isEmpty()
              || !method.getTypeParameters().isEmpty()
              || method.getReturnType().getKind() == TypeKind.VOID
              || (method.getSimpleName().toString().startsWith("is")
                  && !TypeChecks.isBoolean(
                      ((ExecutableType) types.asMemberOf(type, method)).getReturnType()))
              || !checks.isMemberAccessible(method.getModifiers(), t, pkg)) {
            continue;
          }
          if (names.add(property)) {
            out.add(method);
          }
        }
      }
      for (TypeElement t : hierarchy) {
        for (VariableElement field : ElementFilter.fieldsIn(t.getEnclosedElements())) {
          if (!field.getModifiers().contains(Modifier.STATIC)
              && checks.isMemberAccessible(field.getModifiers(), t, pkg)
              && names.add(field.getSimpleName().toString())) {
            out.add(field);
          }
        }
      }
      return out;
    }
  }

  /** {@code amount} for {@code getAmount()}, and a field's or accessor's own name. */
  private static String propertyName(Element member) {
    String name = member.getSimpleName().toString();
    if (member.getKind() == ElementKind.METHOD
        && !(member.getEnclosingElement().getKind() == ElementKind.RECORD)) {
      String property = Names.propertyOfGetter(name);
      return property == null ? name : property;
    }
    return name;
  }

  /** {@code element}, its superclasses but {@code Object}, then every interface, each once. */
  private List<TypeElement> hierarchy(TypeElement element) {
    List<TypeElement> classes = new ArrayList<>();
    for (TypeElement t = element; t != null; t = superclass(t)) {
      if (t.getQualifiedName().contentEquals("java.lang.Object")) {
        break;
      }
      classes.add(t);
    }
    Set<TypeElement> all = new LinkedHashSet<>(classes);
    Deque<TypeElement> interfaces = new ArrayDeque<>();
    for (TypeElement t : classes) {
      for (TypeMirror i : t.getInterfaces()) {
        interfaces.add((TypeElement) types.asElement(i));
      }
    }
    while (!interfaces.isEmpty()) {
      TypeElement next = interfaces.removeFirst();
      if (all.add(next)) {
        for (TypeMirror i : next.getInterfaces()) {
          interfaces.add((TypeElement) types.asElement(i));
        }
      }
    }
    return new ArrayList<>(all);
  }

  private static TypeElement superclass(TypeElement t) {
    TypeMirror superclass = t.getSuperclass();
    return superclass.getKind() == TypeKind.DECLARED
        ? (TypeElement) ((DeclaredType) superclass).asElement()
        : null;
  }

  /** The {@code E} of {@code Collection<E>} as {@code type} binds it, or null if unknown. */
  private TypeMirror collectionElement(TypeMirror type) {
    Deque<TypeMirror> pending = new ArrayDeque<>(List.of(type));
    while (!pending.isEmpty()) {
      TypeMirror next = pending.removeFirst();
      if (types.isSameType(types.erasure(next), collection)) {
        List<? extends TypeMirror> arguments = ((DeclaredType) next).getTypeArguments();
        return arguments.size() == 1 ? arguments.get(0) : null;
      }
      pending.addAll(types.directSupertypes(next));
    }
    return null;
  }

  private static boolean mentionsWildcard(TypeMirror type) {
    if (type.getKind() == TypeKind.WILDCARD) {
      return true;
    }
    for (TypeMirror part : TypeChecks.parts(type)) {
      if (mentionsWildcard(part)) {
        return true;
      }
    }
    return false;
  }
}
