package io.idempo.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import io.idempo.processor.Fingerprint.Bean;
import io.idempo.processor.Fingerprint.Property;
import io.idempo.processor.Fingerprint.Sequence;
import io.idempo.processor.Fingerprint.Value;
import io.idempo.processor.KeyPath.Access;
import io.idempo.processor.KeyPath.Step;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Types;

/**
 * Writes the code of a wrapper that builds a {@code PayloadFingerprint}: the statements in a
 * handler method that add each fingerprint path, null-safely along the path, and one private
 * static helper method per record or bean type, which adds its properties. Part of {@link
 * WrapperGenerator}, which owns the class and its names.
 */
final class FingerprintWriter {

  /** The parameters of every helper method. */
  private static final String BUILDER = "fingerprint";

  private static final String PATH = "path";
  private static final String VALUE = "value";

  /** A helper method to write: its name, and the record or bean whose properties it adds. */
  private record Helper(String name, Bean bean) {}

  private final Types types;
  private final Function<TypeMirror, TypeName> localType;
  private final Function<TypeElement, String> helperName;
  private final Set<String> qualifiers;
  private final List<Helper> helpers = new ArrayList<>();

  /**
   * A writer that declares locals with {@code localType} (null for {@code var}), names helper
   * methods with {@code helperName}, and never names a local after one of {@code qualifiers}.
   */
  FingerprintWriter(
      Types types,
      Function<TypeMirror, TypeName> localType,
      Function<TypeElement, String> helperName,
      Set<String> qualifiers) {
    this.types = types;
    this.localType = localType;
    this.helperName = helperName;
    this.qualifiers = Set.copyOf(qualifiers);
  }

  /**
   * Adds to {@code code} the statements that collect {@code fingerprint}'s leaves, taking local
   * names from {@code locals}; returns the expression that builds the fingerprint. The values at
   * the paths {@code nonNull} (those of the key path, which the wrapper has already checked) are
   * not checked for null again.
   */
  CodeBlock build(
      CodeBlock.Builder code, Fingerprint fingerprint, Set<String> nonNull, Set<String> locals) {
    String builder = WrapperGenerator.fresh(BUILDER, locals);
    code.addStatement(
        "$T $N = $T.builder()",
        KnownTypes.PAYLOAD_FINGERPRINT_BUILDER,
        builder,
        KnownTypes.PAYLOAD_FINGERPRINT);
    for (Fingerprint.Path path : fingerprint.paths()) {
      fromStep(code, builder, path, 0, path.steps().get(0).member(), nonNull, locals);
    }
    return CodeBlock.of("$N.build()", builder);
  }

  /** The helper methods that {@link #build} calls, and those they call in turn. */
  List<MethodSpec> helpers() {
    List<MethodSpec> methods = new ArrayList<>();
    // Writing a helper may add helpers for the records and beans inside it.
    for (int i = 0; i < helpers.size(); i++) {
      methods.add(helperMethod(helpers.get(i)));
    }
    return methods;
  }

  /**
   * Adds {@code path} from its step {@code index} on, whose value is in the local (or parameter)
   * {@code value}: a null value before the end of the path is added as null at its own path, in
   * place of the path's leaves.
   */
  private void fromStep(
      CodeBlock.Builder code,
      String builder,
      Fingerprint.Path path,
      int index,
      String value,
      Set<String> nonNull,
      Set<String> locals) {
    List<Step> steps = path.steps();
    int last = steps.size() - 1;
    if (index == last) {
      add(
          code,
          builder,
          PathText.literal(path.text()),
          CodeBlock.of("$N", value),
          value,
          path.value(),
          locals);
      return;
    }
    Step step = steps.get(index);
    boolean check = step.nullable() && !nonNull.contains(step.path());
    if (check) {
      code.beginControlFlow("if ($N == null)", value)
          .addStatement("$N.add($S, null)", builder, step.path())
          .nextControlFlow("else");
    }
    Step next = steps.get(index + 1);
    CodeBlock read = read(value, next.access(), next.member());
    if (index + 1 == last) {
      add(code, builder, PathText.literal(path.text()), read, null, path.value(), locals);
    } else {
      String local = declare(code, next.type(), next.segment(), read, locals);
      fromStep(code, builder, path, index + 1, local, nonNull, locals);
    }
    if (check) {
      code.endControlFlow();
    }
  }

  /**
   * Adds {@code value}, the expression {@code read} (the local {@code name}, or null if it is not
   * a local), at {@code path}.
   */
  private void add(
      CodeBlock.Builder code,
      String builder,
      PathText path,
      CodeBlock read,
      String name,
      Value value,
      Set<String> locals) {
    if (value instanceof Bean bean) {
      code.addStatement("$N($N, $L, $L)", helper(bean), builder, path.code(), read);
    } else if (value instanceof Sequence sequence) {
      addSequence(code, builder, path, read, name, sequence, locals);
    } else {
      code.addStatement("$N.add($L, $L)", builder, path.code(), read);
    }
  }

  /** Adds a list, collection or array: null, or its size and then each element by index. */
  private void addSequence(
      CodeBlock.Builder code,
      String builder,
      PathText path,
      CodeBlock read,
      String name,
      Sequence sequence,
      Set<String> locals) {
    String values =
        name != null ? name : declare(code, sequence.type(), path.lastName(), read, locals);
    String index = WrapperGenerator.fresh("i", locals);
    code.beginControlFlow("if ($N == null)", values)
        .addStatement("$N.add($L, null)", builder, path.code())
        .nextControlFlow("else")
        .addStatement(
            "$N.addSize($L, $N.$L)",
            builder,
            path.code(),
            values,
            sequence.array() ? "length" : "size()");
    if (sequence.array()) {
      code.beginControlFlow(
          "for (int $N = 0; $N < $N.length; $N++)", index, index, values, index);
      add(
          code,
          builder,
          path.index(index),
          CodeBlock.of("$N[$N]", values, index),
          null,
          sequence.element(),
          locals);
    } else {
      String element = WrapperGenerator.fresh(singular(values), locals);
      TypeName elementType = localType.apply(sequence.element().type());
      code.addStatement("int $N = 0", index);
      if (elementType == null) {
        code.beginControlFlow("for (var $N : $N)", element, values);
      } else {
        code.beginControlFlow("for ($T $N : $N)", elementType, element, values);
      }
      add(
          code,
          builder,
          path.index(index),
          CodeBlock.of("$N", element),
          element,
          sequence.element(),
          locals);
      code.addStatement("$N++", index);
    }
    code.endControlFlow().endControlFlow();
  }

  /** The name of the helper that adds {@code bean}'s properties; one per type. */
  private String helper(Bean bean) {
    for (Helper helper : helpers) {
      if (types.isSameType(helper.bean().type(), bean.type())) {
        return helper.name();
      }
    }
    TypeElement element = (TypeElement) ((DeclaredType) bean.type()).asElement();
    Helper helper = new Helper(helperName.apply(element), bean);
    helpers.add(helper);
    return helper.name();
  }

  private MethodSpec helperMethod(Helper helper) {
    Bean bean = helper.bean();
    Set<String> locals = new HashSet<>(qualifiers);
    locals.addAll(List.of(BUILDER, PATH, VALUE));
    CodeBlock.Builder code = CodeBlock.builder();
    code.beginControlFlow("if ($N == null)", VALUE)
        .addStatement("$N.add($N, null)", BUILDER, PATH)
        .addStatement("return")
        .endControlFlow();
    PathText root = new PathText(CodeBlock.of("$N", PATH), "");
    for (Property property : bean.properties()) {
      add(
          code,
          BUILDER,
          root.dot(property.name()),
          read(VALUE, property.access(), property.member()),
          null,
          property.value(),
          locals);
    }
    return MethodSpec.methodBuilder(helper.name())
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .addJavadoc(
            """
            Adds {@code $N}, a {@link $T}, to {@code $N} at {@code $N}:
            each of its properties in declaration order, or null if it is null.
            """,
            VALUE,
            ClassName.get((TypeElement) ((DeclaredType) bean.type()).asElement()),
            BUILDER,
            PATH)
        .addParameter(KnownTypes.PAYLOAD_FINGERPRINT_BUILDER, BUILDER)
        .addParameter(String.class, PATH)
        .addParameter(TypeName.get(bean.type()), VALUE)
        .addCode(code.build())
        .build();
  }

  /** Declares a local named after {@code preferred} holding {@code read}; returns its name. */
  private String declare(
      CodeBlock.Builder code,
      TypeMirror type,
      String preferred,
      CodeBlock read,
      Set<String> locals) {
    String local = WrapperGenerator.fresh(preferred, locals);
    TypeName declared = localType.apply(type);
    if (declared == null) {
      code.addStatement("var $N = $L", local, read);
    } else {
      code.addStatement("$T $N = $L", declared, local, read);
    }
    return local;
  }

  private static CodeBlock read(String from, Access access, String member) {
    return access == Access.FIELD
        ? CodeBlock.of("$N.$N", from, member)
        : CodeBlock.of("$N.$N()", from, member);
  }

  /** {@code item} for {@code items}, else {@code element}. */
  private static String singular(String plural) {
    return plural.length() > 1 && plural.endsWith("s") && !plural.endsWith("ss")
        ? plural.substring(0, plural.length() - 1)
        : "element";
  }

  /**
   * The path of a value as the generated code spells it: the expression {@code base} (null for
   * none) followed by the literal {@code suffix}, so that {@code "request.items[" + i + "].sku"}
   * reads as the path it builds.
   */
  private record PathText(CodeBlock base, String suffix) {

    static PathText literal(String text) {
      return new PathText(null, text);
    }

    PathText dot(String name) {
      return new PathText(base, suffix + "." + name);
    }

    PathText index(String index) {
      return new PathText(
          CodeBlock.of("$L + $N", new PathText(base, suffix + "[").code(), index), "]");
    }

    /** The last name in the path, for the local that holds its value. */
    String lastName() {
      String name = suffix.substring(suffix.lastIndexOf('.') + 1).replaceAll("\\W", "");
      return name.isEmpty() ? "values" : name;
    }

    CodeBlock code() {
      if (base == null) {
        return CodeBlock.of("$S", suffix);
      }
      return suffix.isEmpty() ? base : CodeBlock.of("$L + $S", base, suffix);
    }
  }
}
