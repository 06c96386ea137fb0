package io.idempo.processor;

import io.idempo.processor.KeyPath.Access;
import io.idempo.processor.KeyPath.Batch;
import io.idempo.processor.KeyPath.KeyForm;
import io.idempo.processor.KeyPath.Step;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Resolves a key path such as {@code event.customer.id} against a handler method, at compile time,
 * in the order the {@code @IdempotentHandler} Javadoc gives: record component, no-argument method,
 * getter, field.
 */
final class KeyPathResolver {

  /** The outcome of resolving one key path. */
  sealed interface Result permits Resolved, Walked, Invalid, Unresolved {}

  /** The key path resolved to a value with a stable string form. */
  record Resolved(KeyPath path) implements Result {}

  /**
   * Every segment of the path resolved, whatever the type at its end.
   *
   * @param steps the resolved steps, the first reading a parameter
   * @param batch the kind of batch parameter, for a key path with {@code [*]}
   */
  record Walked(List<Step> steps, Optional<Batch> batch) implements Result {
    Walked {
      steps = List.copyOf(steps);
    }
  }

  /** The key path is wrong; {@code message} says where and how to fix it. */
  record Invalid(String message) implements Result {}

  /** A type on the path is not known yet (another processor may generate it). */
  record Unresolved(String typeName) implements Result {}

  /** What follows a batch parameter in a key path: each of its elements in turn. */
  static final String EACH = "[*]";

  /**
   * What a path names, which words its messages use: key paths and fingerprint paths share every
   * rule but {@code [*]} (key paths only) and what the value at the end may be.
   */
  enum PathKind {
    KEY("key path", "to use as a key"),
    FINGERPRINT("fingerprint path", "to fingerprint");

    private final String noun;
    private final String use;

    PathKind(String noun, String use) {
      this.noun = noun;
      this.use = use;
    }

    /** {@code key path} or {@code fingerprint path}, as messages name it. */
    String noun() {
      return noun;
    }
  }

  private static final String SEGMENT_RULE =
      "a segment is a record component, a no-argument method, a getter or an accessible field";

  private final Elements elements;
  private final Types types;
  private final TypeChecks checks;
  private final TypeMirror charSequence;
  private final TypeMirror enumType;
  private final BatchParameters batchParameters;

  KeyPathResolver(Elements elements, Types types) {
    this.elements = elements;
    this.types = types;
    this.checks = new TypeChecks(elements);
    this.charSequence = elements.getTypeElement("java.lang.CharSequence").asType();
    this.enumType = types.erasure(elements.getTypeElement("java.lang.Enum").asType());
    this.batchParameters = new BatchParameters(elements, types);
  }

  /**
   * Resolves {@code text} against the parameters of {@code method}, whose signature as a member
   * of the handler class is {@code signature}, for a generated class in {@code pkg}.
   */
  Result resolve(
      String text, ExecutableElement method, ExecutableType signature, PackageElement pkg) {
    Result walked = walk(text, PathKind.KEY, method, signature, pkg);
    if (!(walked instanceof Walked path)) {
      return walked;
    }
    List<Step> steps = path.steps();
    boolean batch = path.batch().isPresent();
    Step last = steps.get(steps.size() - 1);
    KeyForm form = keyForm(last.type());
    if (form == null) {
      String message =
          "key path `"
              + text
              + "` ends in a value of type `"
              + TypeChecks.display(last.type())
              + "`, which has no stable string form; a key must be "
              + KnownTypes.KEY_TYPES_DESCRIPTION
              + ". Point the key path at such a property, for example an id";
      if (!batch && steps.size() == 1 && batchParameters.isBatchLike(last.type())) {
        message +=
            ". For a batch handler, whose parameter holds many messages, write one key per"
                + " message as `"
                + last.path()
                + "[*].<property>`";
      }
      return new Invalid(message);
    }
    return new Resolved(new KeyPath(text, steps, form, path.batch()));
  }

  /**
   * Resolves every segment of {@code text}, a path of {@code kind}, against the parameters of
   * {@code method}, whatever the type at its end; {@code [*]} is allowed in key paths only.
   */
  Result walk(
      String text,
      PathKind kind,
      ExecutableElement method,
      ExecutableType signature,
      PackageElement pkg) {
    String[] segments = text.split("\\.", -1);
    boolean batch = kind == PathKind.KEY && segments[0].endsWith(EACH);
    if (batch) {
      segments[0] = segments[0].substring(0, segments[0].length() - EACH.length());
    }
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i];
      if (segment.contains("[")) {
        return new Invalid(
            kind == PathKind.KEY
                ? misplacedBrackets(text, segment, i, batch)
                : "fingerprint path `"
                    + text
                    + "`: `"
                    + segment
                    + "` is not a segment; a fingerprint path has no brackets: a list or array"
                    + " at its end is fingerprinted element by element, so end the path at the"
                    + " list, such as `request.items`");
      }
      if (segment.isEmpty()) {
        return new Invalid(
            kind.noun
                + " `"
                + text
                + "` has an empty segment; write it as Java identifiers joined by dots, such as"
                + " `event.orderId`");
      }
      if (!SourceVersion.isIdentifier(segment) || SourceVersion.isKeyword(segment)) {
        return new Invalid(
            "`"
                + segment
                + "` in "
                + kind.noun
                + " `"
                + text
                + "` is not a Java identifier; write the "
                + kind.noun
                + " as identifiers joined by dots, such as `event.orderId`");
      }
    }

    TypeMirror parameterType = null;
    List<String> parameterNames = new ArrayList<>();
    List<? extends VariableElement> parameters = method.getParameters();
    for (int i = 0; i < parameters.size(); i++) {
      parameterNames.add(parameters.get(i).getSimpleName().toString());
      if (parameters.get(i).getSimpleName().contentEquals(segments[0])) {
        parameterType = signature.getParameterTypes().get(i);
      }
    }
    if (parameterType == null) {
      return new Invalid(unknownParameter(text, kind, segments[0], method, parameterNames));
    }
    if (TypeChecks.firstError(parameterType) != null) {
      return new Unresolved(TypeChecks.firstError(parameterType).toString());
    }

    List<Step> steps = new ArrayList<>();
    steps.add(new Step(segments[0], segments[0], Access.PARAMETER, segments[0], parameterType));
    String path = segments[0];
    Optional<Batch> container = Optional.empty();
    if (batch) {
      BatchParameters.Element element = batchParameters.elementOf(text, segments[0], parameterType);
      if (element.problem() != null) {
        return new Invalid(element.problem());
      }
      container = Optional.of(element.batch());
      path = path + EACH;
      steps.add(new Step(path, EACH, Access.ELEMENT, segments[0], element.type()));
    }
    for (int i = 1; i < segments.length; i++) {
      Step previous = steps.get(steps.size() - 1);
      path = path + "." + segments[i];
      Result next = step(text, kind, path, previous, segments[i], pkg, steps);
      if (next != null) {
        return next;
      }
    }
    return new Walked(steps, container);
  }

  /** Explains a {@code [} in {@code segment}, the {@code index}th segment of {@code text}. */
  private static String misplacedBrackets(String text, String segment, int index, boolean batch) {
    String where = "key path `" + text + "`: ";
    if (!segment.endsWith(EACH) || segment.indexOf('[') != segment.length() - EACH.length()) {
      return where
          + "`"
          + segment
          + "` is not a segment; the only brackets a key path has are `[*]` right after the"
          + " batch parameter, as in `events[*].paymentId` (one key per message of `events`)";
    }
    if (batch || index == 0) {
      return where
          + "`[*]` appears twice; a batch handler has one key per message, so `[*]` is written"
          + " once, right after the batch parameter, as in `events[*].paymentId`";
    }
    return where
        + "`[*]` follows `"
        + segment.substring(0, segment.length() - EACH.length())
        + "`, but it may only follow the first segment, the batch parameter, as in"
        + " `events[*].paymentId`: the wrapper claims one key per message of the batch, not one"
        + " per item inside a message";
  }

  /**
   * Checks that a parameter marked {@code @IdempotencyKey} can be a key; returns the key path
   * made of that parameter alone, or why not.
   */
  Result resolveParameter(VariableElement parameter, TypeMirror type) {
    if (TypeChecks.firstError(type) != null) {
      return new Unresolved(TypeChecks.firstError(type).toString());
    }
    String name = parameter.getSimpleName().toString();
    KeyForm form = keyForm(type);
    if (form == null && batchParameters.isBatchLike(type)) {
      return new Invalid(
          "parameter `"
              + name
              + "` is marked @IdempotencyKey, but its type `"
              + TypeChecks.display(type)
              + "` holds a batch of messages, and @IdempotencyKey names one key for the whole"
              + " call; remove it and set @IdempotentHandler(key = \""
              + name
              + "[*].<property>\") for one key per message");
    }
    if (form == null) {
      return new Invalid(
          "parameter `"
              + name
              + "` is marked @IdempotencyKey, but its type `"
              + TypeChecks.display(type)
              + "` has no stable string form; a key must be "
              + KnownTypes.KEY_TYPES_DESCRIPTION
              + ". Mark a parameter of such a type, or use @IdempotentHandler(key = \""
              + name
              + ".<property>\")");
    }
    return new Resolved(
        new KeyPath(
            name,
            List.of(new Step(name, name, Access.PARAMETER, name, type)),
            form,
            Optional.empty()));
  }

  /** Resolves one segment after {@code previous}; appends the step, or returns a failure. */
  private Result step(
      String text,
      PathKind kind,
      String path,
      Step previous,
      String segment,
      PackageElement pkg,
      List<Step> steps) {
    TypeMirror from = previous.type();
    if (kind == PathKind.FINGERPRINT && batchParameters.isBatchLike(from)) {
      return new Invalid(
          "fingerprint path `"
              + text
              + "`: `"
              + previous.path()
              + "` is a `"
              + TypeChecks.display(from)
              + "`, which has no property `"
              + segment
              + "`; a list, collection or array is fingerprinted whole, element by element, so"
              + " end the fingerprint path at `"
              + previous.path()
              + "`");
    }
    if (previous.access() == Access.PARAMETER && batchParameters.isBatchLike(from)) {
      return new Invalid(
          "key path `"
              + text
              + "`: `"
              + previous.path()
              + "` is a `"
              + TypeChecks.display(from)
              + "`, a batch of messages, which has no property `"
              + segment
              + "`; for one key per message, write `"
              + previous.path()
              + EACH
              + "."
              + text.substring(previous.path().length() + 1)
              + "`");
    }
    if (from.getKind().isPrimitive() || from.getKind() == TypeKind.ARRAY) {
      return new Invalid(
          "`"
              + previous.path()
              + "` is a `"
              + TypeChecks.display(from)
              + "`, which has no property `"
              + segment
              + "`; end the "
              + kind.noun
              + " at `"
              + previous.path()
              + "`");
    }
    Set<String> candidates = new LinkedHashSet<>();
    String voidMethod = null;
    String inaccessible = null;
    for (TypeMirror bound : TypeChecks.bounds(from)) {
      if (bound.getKind() == TypeKind.ERROR) {
        return new Unresolved(bound.toString());
      }
      if (bound.getKind() != TypeKind.DECLARED) {
        continue;
      }
      // Capture first, so that a member of Box<? extends Event> has a type (a captured type
      // variable bounded by Event) rather than a bare wildcard.
      DeclaredType declared = (DeclaredType) types.capture(bound);
      TypeElement type = (TypeElement) declared.asElement();
      if (!checks.isAccessible(type, pkg)) {
        return new Invalid(
            kind.noun
                + " `"
                + text
                + "` reads `"
                + segment
                + "` from `"
                + TypeChecks.display(bound)
                + "`, which is not accessible from package `"
                + pkg.getQualifiedName()
                + "` where the wrapper is generated; make `"
                + TypeChecks.simpleNames(type)
                + "` package-private or public");
      }
      Found found = find(type, segment, pkg, candidates);
      if (found.member != null) {
        TypeMirror memberType;
        Access access;
        if (found.member.getKind() == ElementKind.FIELD) {
          memberType = types.asMemberOf(declared, found.member);
          access = Access.FIELD;
        } else {
          memberType = ((ExecutableType) types.asMemberOf(declared, found.member)).getReturnType();
          access = Access.METHOD;
        }
        TypeMirror error = TypeChecks.firstError(memberType);
        if (error != null) {
          return new Unresolved(error.toString());
        }
        steps.add(
            new Step(path, segment, access, found.member.getSimpleName().toString(), memberType));
        return null;
      }
      if (voidMethod == null) {
        voidMethod = found.voidMethod;
      }
      if (inaccessible == null) {
        inaccessible = found.inaccessible;
      }
    }
    String on = TypeChecks.display(from);
    if (voidMethod != null) {
      return new Invalid(
          kind.noun
              + " `"
              + text
              + "`: `"
              + voidMethod
              + "()` on `"
              + on
              + "` returns void, so it has no value "
              + kind.use
              + "; point the "
              + kind.noun
              + (kind == PathKind.KEY
                  ? " at a property that returns the key"
                  : " at a property that returns a value"));
    }
    if (inaccessible != null) {
      return new Invalid(
          kind.noun
              + " `"
              + text
              + "`: `"
              + inaccessible
              + "` on `"
              + on
              + "` is not accessible from package `"
              + pkg.getQualifiedName()
              + "` where the wrapper is generated; make it public (or package-private in the same"
              + " package), or add an accessor");
    }
    String suggestion = Names.closest(segment, candidates);
    String message = "no property `" + segment + "` on `" + on + "`";
    if (suggestion != null) {
      message += "; did you mean `" + suggestion + "`?";
    } else if (candidates.isEmpty()) {
      message +=
          ", which has no properties usable in a " + kind.noun + " (" + SEGMENT_RULE + ")";
    } else {
      message += "; its properties are " + Names.quotedList(candidates) + " (" + SEGMENT_RULE + ")";
    }
    return new Invalid(message + " (in " + kind.noun + " `" + text + "`)");
  }

  /** What a lookup of one segment found on one type. */
  private static final class Found {
    Element member;
    String voidMethod;
    String inaccessible;
  }

  private Found find(
      TypeElement type,
      String segment,
      PackageElement pkg,
      Set<String> candidates) {
    Found found = new Found();
    List<ExecutableElement> methods = new ArrayList<>();
    List<VariableElement> fields = new ArrayList<>();
    for (Element member : elements.getAllMembers(type)) {
      if (member.getModifiers().contains(Modifier.STATIC)) {
        continue;
      }
      if (member.getKind() == ElementKind.METHOD) {
        methods.add((ExecutableElement) member);
      } else if (member.getKind() == ElementKind.FIELD) {
        fields.add((VariableElement) member);
      }
    }

    // 1. A record component.
    if (type.getKind() == ElementKind.RECORD) {
      for (RecordComponentElement component : type.getRecordComponents()) {
        candidates.add(component.getSimpleName().toString());
        if (found.member == null
            && component.getSimpleName().contentEquals(segment)
            && component.getAccessor() != null) {
          found.member = component.getAccessor();
        }
      }
    }
    // 2. A no-argument, non-void method; 3. a getter.
    ExecutableElement plain = null;
    ExecutableElement getter = null;
    String getName = "get" + Names.capitalize(segment);
    String isName = "is" + Names.capitalize(segment);
    for (ExecutableElement method : methods) {
      if (!method.getParameters().isEmpty()
          || !method.getTypeParameters().isEmpty()
          || isObjectMethod(method)) {
        continue;
      }
      String name = method.getSimpleName().toString();
      boolean accessible =
          checks.isMemberAccessible(
              method.getModifiers(), (TypeElement) method.getEnclosingElement(), pkg);
      boolean isVoid = method.getReturnType().getKind() == TypeKind.VOID;
      boolean matches = name.equals(segment);
      boolean matchesGetter =
          name.equals(getName)
              || (name.equals(isName) && TypeChecks.isBoolean(method.getReturnType()));
      if (!accessible) {
        if ((matches || matchesGetter) && found.inaccessible == null) {
          found.inaccessible = name + "()";
        }
        continue;
      }
      if (isVoid) {
        if (matches && found.voidMethod == null) {
          found.voidMethod = name;
        }
        continue;
      }
      candidates.add(name);
      String property = Names.propertyOfGetter(name);
      if (property != null) {
        candidates.add(property);
      }
      if (matches && plain == null) {
        plain = method;
      } else if (matchesGetter && getter == null) {
        getter = method;
      }
    }
    // 4. An accessible field.
    VariableElement field = null;
    for (VariableElement f : fields) {
      boolean accessible =
          checks.isMemberAccessible(f.getModifiers(), (TypeElement) f.getEnclosingElement(), pkg);
      if (!accessible) {
        if (f.getSimpleName().contentEquals(segment) && found.inaccessible == null) {
          found.inaccessible = segment;
        }
        continue;
      }
      candidates.add(f.getSimpleName().toString());
      if (f.getSimpleName().contentEquals(segment) && field == null) {
        field = f;
      }
    }
    if (found.member == null) {
      found.member = plain != null ? plain : getter != null ? getter : field;
    }
    if (found.member != null) {
      found.voidMethod = null;
      found.inaccessible = null;
    }
    return found;
  }

  private static boolean isObjectMethod(ExecutableElement method) {
    Element owner = method.getEnclosingElement();
    return owner instanceof TypeElement ownerType
        && ownerType.getQualifiedName().contentEquals("java.lang.Object");
  }

  /** How a value of {@code type} becomes a key, or null if it has no stable string form. */
  KeyForm keyForm(TypeMirror type) {
    if (type.getKind().isPrimitive()) {
      return KeyForm.PRIMITIVE;
    }
    for (TypeMirror bound : TypeChecks.bounds(type)) {
      if (bound.getKind() != TypeKind.DECLARED) {
        continue;
      }
      TypeElement element = (TypeElement) ((DeclaredType) bound).asElement();
      String name = element.getQualifiedName().toString();
      if (element.getKind() == ElementKind.ENUM
          || types.isSubtype(types.erasure(bound), enumType)) {
        return KeyForm.ENUM;
      }
      if (name.equals("java.lang.String")) {
        return type.getKind() == TypeKind.DECLARED ? KeyForm.STRING : KeyForm.CHAR_SEQUENCE;
      }
      if (KnownTypes.isKeyType(name)) {
        return KeyForm.TO_STRING;
      }
      if (types.isAssignable(bound, charSequence)) {
        return KeyForm.CHAR_SEQUENCE;
      }
    }
    return null;
  }

  private static String unknownParameter(
      String text,
      PathKind kind,
      String first,
      ExecutableElement method,
      List<String> parameterNames) {
    String message =
        kind.noun
            + " `"
            + text
            + "` starts with `"
            + first
            + "`, which is not a parameter of `"
            + method.getSimpleName()
            + "`; the first segment of a "
            + kind.noun
            + " names a parameter";
    if (parameterNames.isEmpty()) {
      return message
          + ", and `"
          + method.getSimpleName()
          + "` has none: a handler needs the message as a parameter";
    }
    String suggestion = Names.closest(first, parameterNames);
    message += " (" + Names.quotedList(parameterNames) + ")";
    if (suggestion != null) {
      message += "; did you mean `" + suggestion + "`?";
    }
    return message;
  }
}
