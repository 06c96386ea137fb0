package io.idempo.processor;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.TypeVariableName;
import io.idempo.processor.HandlerClassModel.ForwardedMethod;
import io.idempo.processor.HandlerClassModel.Shape;
import io.idempo.processor.HandlerMethodModel.Codec;
import io.idempo.processor.KeyPath.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.TypeParameterElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Writes the {@code Idempotent<Handler>} class for one {@link HandlerClassModel}. Every line of
 * generated code comes from this class, but the payload fingerprint's, which {@link
 * FingerprintWriter} writes; it makes no decisions that validation has not already checked.
 */
final class WrapperGenerator {

  /**
   * Simple names the generated code uses as qualifiers of static calls; a variable with one of
   * these names would shadow the type, so generated locals never take them.
   */
  private static final Set<String> QUALIFIERS =
      Set.of(
          "Objects",
          "String",
          "Duration",
          "HandlerDescriptor",
          "ResultCodecs",
          "IdempotencyKeyException",
          "IdempotentHandler",
          "ReplayedResults",
          "PayloadFingerprint",
          "Arrays");

  /**
   * Constructor annotations copied to the wrapper's constructors, so that a dependency injector
   * that built the handler can build the wrapper the same way (given a bound store).
   */
  private static final Set<String> INJECT_ANNOTATIONS =
      Set.of(
          "javax.inject.Inject",
          "jakarta.inject.Inject",
          "com.google.inject.Inject",
          "org.springframework.beans.factory.annotation.Autowired");

  private static final ClassName DURATION = ClassName.get("java.time", "Duration");
  private static final ClassName OBJECTS = ClassName.get(Objects.class);
  private static final ClassName ARRAYS = ClassName.get("java.util", "Arrays");
  private static final ClassName SERIALIZABLE = ClassName.get("java.io", "Serializable");

  private final Elements elements;
  private final Types types;
  private final TypeChecks checks;
  private final CopiedParameters parameters;

  WrapperGenerator(Elements elements, Types types) {
    this.elements = elements;
    this.types = types;
    this.checks = new TypeChecks(elements);
    this.parameters = new CopiedParameters(elements);
  }

  /** The source file of the wrapper for {@code model}. */
  JavaFile generate(HandlerClassModel model) {
    return new Run(model).generate();
  }

  /** Spaces and tabs at the end of a line. */
  private static final Pattern TRAILING_BLANKS = Pattern.compile("(?m)[ \t]+$");

  /** The text of {@code file}, without the trailing spaces JavaPoet leaves where it wraps. */
  static String text(JavaFile file) {
    return TRAILING_BLANKS.matcher(file.toString()).replaceAll("");
  }

  /** The state of generating one class: the names it has taken so far. */
  private final class Run {
    final HandlerClassModel model;
    final TypeElement handler;
    final ClassName handlerName;
    final PackageElement pkg;
    final Set<String> classNames = new HashSet<>();

    /** The fields and constants this class declares. */
    final Set<String> declared = new HashSet<>();

    final Map<HandlerMethodModel, String> handlerConstants = new HashMap<>();
    final Map<HandlerMethodModel, String> codecConstants = new HashMap<>();
    String storeField;
    String delegateField;
    final FingerprintWriter fingerprints;

    /** The names of the handler's methods and of the fingerprint helpers taken so far. */
    Set<String> methodNames;

    Run(HandlerClassModel model) {
      this.model = model;
      this.handler = model.handler();
      this.handlerName = ClassName.get(handler);
      this.pkg = elements.getPackageOf(handler);
      classNames.addAll(model.reservedNames());
      classNames.addAll(QUALIFIERS);
      this.fingerprints =
          new FingerprintWriter(types, this::localType, this::helperName, QUALIFIERS);
    }

    JavaFile generate() {
      TypeSpec.Builder type =
          TypeSpec.classBuilder(model.generatedName()).addOriginatingElement(handler);
      if (isPublic(handler)) {
        type.addModifiers(Modifier.PUBLIC);
      }
      boolean decorator = model.shape() == Shape.DECORATOR;
      if (!decorator && handler.getModifiers().contains(Modifier.ABSTRACT)) {
        type.addModifiers(Modifier.ABSTRACT);
      }
      for (TypeParameterElement typeParameter : handler.getTypeParameters()) {
        type.addTypeVariable(TypeVariableName.get(typeParameter));
      }
      TypeName handlerType = TypeName.get(handler.asType());
      if (decorator) {
        for (TypeMirror iface : handler.getInterfaces()) {
          type.addSuperinterface(TypeName.get(iface));
          type.avoidClashesWithNestedClasses((TypeElement) types.asElement(iface));
        }
      } else {
        type.superclass(handlerType);
        type.avoidClashesWithNestedClasses(handler);
      }
      type.alwaysQualify(new TreeSet<>(model.reservedNames()).toArray(new String[0]));
      type.addJavadoc(classJavadoc(decorator));
      TypeElement generated = elements.getTypeElement(KnownTypes.GENERATED_ANNOTATION);
      if (generated != null) {
        type.addAnnotation(
            AnnotationSpec.builder(ClassName.get(generated))
                .addMember("value", "$S", IdempotentHandlerProcessor.class.getCanonicalName())
                .build());
      }
      if (elements.isDeprecated(handler)) {
        type.addAnnotation(Deprecated.class);
      }
      Set<String> suppressed = new TreeSet<>();
      if (isSerializable()) {
        suppressed.add("serial");
      }
      if (decorator) {
        for (TypeMirror iface : handler.getInterfaces()) {
          if (TypeChecks.mentionsRawType(iface)) {
            suppressed.add("rawtypes");
          }
        }
      }
      suppressWarnings(suppressed).ifPresent(type::addAnnotation);

      for (HandlerMethodModel method : model.methods()) {
        type.addField(descriptorField(method));
        method.codec().ifPresent(codec -> type.addField(codecField(method, codec)));
      }
      storeField = take("store");
      type.addField(KnownTypes.IDEMPOTENCY_STORE, storeField, Modifier.PRIVATE, Modifier.FINAL);
      if (decorator) {
        delegateField = take("delegate");
        type.addField(handlerType, delegateField, Modifier.PRIVATE, Modifier.FINAL);
        type.addMethod(decoratorConstructor(handlerType));
      } else {
        for (ExecutableElement constructor : model.constructors()) {
          type.addMethod(subclassConstructor(constructor));
        }
      }
      for (HandlerMethodModel method : model.methods()) {
        type.addMethod(handlerMethod(method));
      }
      for (ForwardedMethod method : model.forwarded()) {
        type.addMethod(forwardedMethod(method));
      }
      type.addMethods(fingerprints.helpers());
      return JavaFile.builder(pkg.getQualifiedName().toString(), type.build())
          .skipJavaLangImports(true)
          .indent("  ")
          .build();
    }

    private CodeBlock classJavadoc(boolean decorator) {
      CodeBlock.Builder doc = CodeBlock.builder();
      if (decorator) {
        doc.add(
            """
            A decorator of {@link $T} whose handler methods run once per message key,
            however often a message is delivered. {@code $L} cannot be subclassed, so this
            class implements its interfaces and forwards every call to a delegate.
            """,
            handlerName,
            handler.getSimpleName());
      } else {
        doc.add(
            """
            {@link $T} with handler methods that run once per message key, however often a
            message is delivered. Create it with the arguments of {@code $L}'s constructor,
            preceded by the {@link $T} that records which keys were processed.
            """,
            handlerName,
            handler.getSimpleName(),
            KnownTypes.IDEMPOTENCY_STORE);
      }
      doc.add(
          """

          <p>Each handler method claims its key in the store, runs the original method on the
          first delivery and records its result, returns that result to later deliveries,
          and releases the claim if the method throws, so that the next delivery runs it
          again.
          """);
      if (model.methods().stream().anyMatch(m -> m.keyPath().batch().isPresent())) {
        doc.add(
            """

            <p>A batch handler method claims the keys of all its messages at once, and runs the
            original method with only the messages seen for the first time, in their order, or
            not at all if there are none.
            """);
      }
      if (isSerializable()) {
        doc.add("\n<p>Do not serialize the wrapper: the store it holds is not serializable.\n");
      }
      doc.add(
          """

          <p>Generated by the Idempo annotation processor from the {@link $T}
          methods of {@link $T}; do not edit.
          """,
          ClassName.get("io.idempo", "IdempotentHandler"),
          handlerName);
      return doc.build();
    }

    private boolean isSerializable() {
      TypeElement serializable = elements.getTypeElement(SERIALIZABLE.canonicalName());
      if (serializable == null) {
        return false;
      }
      TypeMirror target = types.erasure(serializable.asType());
      if (model.shape() == Shape.SUBCLASS) {
        return types.isAssignable(types.erasure(handler.asType()), target);
      }
      for (TypeMirror iface : handler.getInterfaces()) {
        if (types.isAssignable(types.erasure(iface), target)) {
          return true;
        }
      }
      return false;
    }

    private FieldSpec descriptorField(HandlerMethodModel method) {
      String name = take(method.constantPrefix() + "_HANDLER");
      handlerConstants.put(method, name);
      // On its own lines, as a builder chain: name = / builder / one call per line.
      CodeBlock.Builder init =
          CodeBlock.builder()
              .add("\n")
              .indent()
              .indent()
              .add("$T.builder($S)\n", KnownTypes.HANDLER_DESCRIPTOR, method.handlerName())
              .indent()
              .indent()
              .add(".keyPath($S)\n", method.keyPath().text());
      method
          .fingerprint()
          .ifPresent(f -> init.add(".fingerprintPaths($S)\n", f.text()));
      init
              .add(".ttl($T.parse($S))\n", DURATION, method.ttl());
      if (method.leaseMode()) {
        init.add(".mode($T.LEASE)\n", KnownTypes.MODE)
            .add(".lease($T.parse($S))\n", DURATION, method.lease());
      }
      init.add(".build()").unindent().unindent().unindent().unindent();
      return FieldSpec.builder(
              KnownTypes.HANDLER_DESCRIPTOR,
              name,
              Modifier.PRIVATE,
              Modifier.STATIC,
              Modifier.FINAL)
          .initializer(init.build())
          .build();
    }

    private FieldSpec codecField(HandlerMethodModel method, Codec codec) {
      String name = take(method.constantPrefix() + "_CODEC");
      codecConstants.put(method, name);
      CodeBlock init = CodeBlock.of("$Z$L", codecInit(codec));
      return FieldSpec.builder(
              ParameterizedTypeName.get(KnownTypes.RESULT_CODEC, codec.valueType()),
              name,
              Modifier.PRIVATE,
              Modifier.STATIC,
              Modifier.FINAL)
          .initializer(init)
          .build();
    }

    private static CodeBlock codecInit(Codec codec) {
      if (codec.source() instanceof HandlerMethodModel.Custom custom) {
        return CodeBlock.of("$T.nullSafe(new $T())", KnownTypes.RESULT_CODECS, custom.codecClass());
      } else if (codec.source() instanceof HandlerMethodModel.Json json) {
        // A class literal where the type has one; else a type token that keeps the arguments.
        return hasClassLiteral(codec.valueType())
            ? CodeBlock.of("$T.of($T.class)", json.codecClass(), codec.valueType())
            : CodeBlock.of(
                "$T.of(new $T<$T>() {})",
                json.codecClass(),
                KnownTypes.JSON_RESULT_TYPE,
                codec.valueType());
      } else if (codec.source() instanceof HandlerMethodModel.Response response) {
        return response.body().isEmpty()
            ? CodeBlock.of("$T.withoutBody()", KnownTypes.RESPONSE_ENTITY_CODEC)
            : CodeBlock.of(
                "$T.of($L)", KnownTypes.RESPONSE_ENTITY_CODEC, codecInit(response.body().get()));
      } else {
        return CodeBlock.of("$T.builtIn($T.class)", KnownTypes.RESULT_CODECS, codec.valueType());
      }
    }

    private MethodSpec subclassConstructor(ExecutableElement constructor) {
      Set<String> parameterNames = parameterNames(constructor);
      String storeParameter = fresh("store", parameterNames);
      MethodSpec.Builder method =
          MethodSpec.constructorBuilder()
              .addModifiers(Modifier.PUBLIC)
              .addJavadoc(
                  """
                  Creates the handler as {@code new $L(...)} would, with its handler methods
                  claiming their keys in {@code $L}.
                  """,
                  handler.getSimpleName(),
                  storeParameter);
      for (TypeParameterElement typeParameter : constructor.getTypeParameters()) {
        method.addTypeVariable(TypeVariableName.get(typeParameter));
      }
      method.addParameter(KnownTypes.IDEMPOTENCY_STORE, storeParameter);
      List<String> arguments = new ArrayList<>();
      Set<String> suppressed = signatureWarnings(constructor, constructor.isVarArgs());
      for (VariableElement parameter : constructor.getParameters()) {
        method.addParameter(parameters.copy(parameter, suppressed));
        arguments.add(parameter.getSimpleName().toString());
      }
      method.varargs(constructor.isVarArgs());
      for (TypeMirror thrown : constructor.getThrownTypes()) {
        method.addException(TypeName.get(thrown));
      }
      for (AnnotationMirror annotation : constructor.getAnnotationMirrors()) {
        if (INJECT_ANNOTATIONS.contains(
            ((TypeElement) annotation.getAnnotationType().asElement())
                .getQualifiedName()
                .toString())) {
          method.addAnnotation(AnnotationSpec.get(annotation));
        }
      }
      if (suppressed.remove("unchecked")) {
        if (hasAnnotation(constructor, "java.lang.SafeVarargs")) {
          method.addAnnotation(SafeVarargs.class);
        } else {
          suppressed.add("unchecked");
        }
      }
      suppressWarnings(suppressed).ifPresent(method::addAnnotation);
      if (!arguments.isEmpty()) {
        method.addStatement("super($L)", String.join(", ", arguments));
      }
      return method
          .addStatement(
              "this.$N = $T.requireNonNull($N, $S)",
              storeField,
              OBJECTS,
              storeParameter,
              storeParameter)
          .build();
    }

    private MethodSpec decoratorConstructor(TypeName handlerType) {
      return MethodSpec.constructorBuilder()
          .addModifiers(Modifier.PUBLIC)
          .addJavadoc(
              "Wraps {@code delegate}, whose handler methods then claim their keys in {@code"
                  + " store}.\n")
          .addParameter(KnownTypes.IDEMPOTENCY_STORE, "store")
          .addParameter(handlerType, "delegate")
          .addStatement("this.$N = $T.requireNonNull(store, $S)", storeField, OBJECTS, "store")
          .addStatement(
              "this.$N = $T.requireNonNull(delegate, $S)", delegateField, OBJECTS, "delegate")
          .build();
    }

    private MethodSpec handlerMethod(HandlerMethodModel handlerModel) {
      ExecutableElement element = handlerModel.method();
      MethodSpec.Builder method = signature(element, handlerModel.signature());
      method.addJavadoc(methodJavadoc(handlerModel));
      if (elements.isDeprecated(element)) {
        method.addAnnotation(Deprecated.class);
      }
      // Locals must not shadow the class's own fields and constants, the qualifiers of static
      // calls, or this method's parameters; other methods' parameters do not matter here.
      Set<String> locals = new HashSet<>(declared);
      locals.addAll(QUALIFIERS);
      locals.addAll(parameterNames(element));
      if (handlerModel.keyPath().batch().isPresent()) {
        String keys = batchKeyStatements(method, handlerModel, locals);
        batchClaimStatements(method, handlerModel, keys, locals);
      } else {
        String key = keyStatements(method, handlerModel, locals);
        CodeBlock fingerprint = null;
        if (handlerModel.fingerprint().isPresent()) {
          CodeBlock.Builder code = CodeBlock.builder();
          // The key's own path is checked for null above: its values are known to be there.
          Set<String> nonNull = new HashSet<>();
          for (Step step : handlerModel.keyPath().steps()) {
            nonNull.add(step.path());
          }
          fingerprint =
              fingerprints.build(code, handlerModel.fingerprint().get(), nonNull, locals);
          method.addCode(code.build());
        }
        claimStatements(method, handlerModel, key, fingerprint, locals);
      }
      return method.build();
    }

    /**
     * A name for the private static method that adds a value of {@code type} to a fingerprint,
     * such as {@code fingerprintChargeRequest}: not a name of the handler's methods, fields or
     * constants.
     */
    private String helperName(TypeElement type) {
      if (methodNames == null) {
        methodNames = new HashSet<>();
        for (Element member : elements.getAllMembers(handler)) {
          methodNames.add(member.getSimpleName().toString());
        }
        for (HandlerMethodModel m : model.methods()) {
          methodNames.add(m.name());
        }
      }
      String name =
          fresh("fingerprint" + TypeChecks.simpleNames(type).replace(".", ""), methodNames);
      classNames.add(name);
      return name;
    }

    /**
     * The statements that compute the key null-safely along the key path, one step per line;
     * returns the name of the local that holds the key.
     */
    private String keyStatements(
        MethodSpec.Builder method, HandlerMethodModel handlerModel, Set<String> locals) {
      String parameter = handlerModel.keyPath().steps().get(0).member();
      return keyFrom(method, handlerModel, 0, parameter, null, locals);
    }

    /**
     * The statements that compute one key per message of a batch, into a list in the batch's order;
     * returns the name of the list. A message whose key cannot be computed is named by its index in
     * the batch.
     */
    private String batchKeyStatements(
        MethodSpec.Builder method, HandlerMethodModel handlerModel, Set<String> locals) {
      KeyPath keyPath = handlerModel.keyPath();
      Step batch = keyPath.steps().get(0);
      Step each = keyPath.steps().get(1);
      String handlerConstant = handlerConstants.get(handlerModel);
      method
          .beginControlFlow("if ($N == null)", batch.member())
          .addStatement(
              "throw $T.nullAt($N, $S)", KnownTypes.KEY_EXCEPTION, handlerConstant, batch.path())
          .endControlFlow();
      String keys = fresh("keys", locals);
      method.addStatement(
          "$T $N = new $T<>($N.$L)",
          ParameterizedTypeName.get(List.class, String.class),
          keys,
          ArrayList.class,
          batch.member(),
          keyPath.batch().get() == KeyPath.Batch.ARRAY ? "length" : "size()");
      String message = fresh(singular(batch.member()), locals);
      TypeName messageType = localType(each.type());
      if (messageType == null) {
        method.beginControlFlow("for (var $N : $N)", message, batch.member());
      } else {
        method.beginControlFlow("for ($T $N : $N)", messageType, message, batch.member());
      }
      String key =
          keyFrom(method, handlerModel, 1, message, CodeBlock.of("$N.size()", keys), locals);
      method.addStatement("$N.add($N)", keys, key).endControlFlow();
      return keys;
    }

    /**
     * The statements that read the key path from step {@code from} on, whose value is in the local
     * {@code value}, checking each value for null, then turn the last into the key string; returns
     * the name of the local that holds the key. {@code messageIndex} is the index of the message in
     * its batch, or null for a single message.
     */
    private String keyFrom(
        MethodSpec.Builder method,
        HandlerMethodModel handlerModel,
        int from,
        String value,
        CodeBlock messageIndex,
        Set<String> locals) {
      KeyPath keyPath = handlerModel.keyPath();
      int lastStep = keyPath.steps().size() - 1;
      String handlerConstant = handlerConstants.get(handlerModel);
      CodeBlock index =
          messageIndex == null ? CodeBlock.of("") : CodeBlock.of(",$W$L", messageIndex);
      boolean stringKey = keyPath.form() == KeyPath.KeyForm.STRING;
      for (int i = from; i <= lastStep; i++) {
        Step step = keyPath.steps().get(i);
        if (i > from) {
          // A String at the end of the path is the key itself.
          String local = fresh(i == lastStep && stringKey ? "key" : step.segment(), locals);
          String read = step.access() == KeyPath.Access.FIELD ? "$N.$N" : "$N.$N()";
          TypeName localType = localType(step.type());
          if (localType == null) {
            method.addStatement("var $N = " + read, local, value, step.member());
          } else {
            method.addStatement("$T $N = " + read, localType, local, value, step.member());
          }
          value = local;
        }
        if (step.nullable()) {
          method
              .beginControlFlow("if ($N == null)", value)
              .addStatement(
                  "throw $T.nullAt($N, $S$L)",
                  KnownTypes.KEY_EXCEPTION,
                  handlerConstant,
                  step.path(),
                  index)
              .endControlFlow();
        }
      }
      String key;
      if (stringKey && lastStep > from) {
        key = value;
      } else {
        key = fresh("key", locals);
        CodeBlock conversion =
            switch (keyPath.form()) {
              case STRING -> CodeBlock.of("$N", value);
              case PRIMITIVE -> CodeBlock.of("$T.valueOf($N)", String.class, value);
              case ENUM -> CodeBlock.of("$N.name()", value);
              case CHAR_SEQUENCE, TO_STRING -> CodeBlock.of("$N.toString()", value);
            };
        method.addStatement("$T $N = $L", String.class, key, conversion);
      }
      if (keyPath.form().canBeBlank()) {
        method
            .beginControlFlow("if ($N.isBlank())", key)
            .addStatement("throw $T.blank($N$L)", KnownTypes.KEY_EXCEPTION, handlerConstant, index)
            .endControlFlow();
      }
      return key;
    }

    /**
     * The claim protocol of {@code io.idempo.runtime.IdempotencyStore} for the key in the local
     * {@code key}, with the payload fingerprint {@code fingerprint} if not null: claim, return at
     * once (replaying the result) for a duplicate, else call the handler, release the claim if it
     * throws and complete it if it returns.
     */
    private void claimStatements(
        MethodSpec.Builder method,
        HandlerMethodModel handlerModel,
        String key,
        CodeBlock fingerprint,
        Set<String> locals) {
      String handlerConstant = handlerConstants.get(handlerModel);
      String claim = fresh("claim", locals);
      if (fingerprint == null) {
        method.addStatement(
            "$T $N = $N.claim($N, $N)", KnownTypes.CLAIM, claim, storeField, handlerConstant, key);
      } else {
        method.addStatement(
            "$T $N = $N.claim($N, $N, $L)",
            KnownTypes.CLAIM,
            claim,
            storeField,
            handlerConstant,
            key,
            fingerprint);
      }
      CodeBlock call = callHandler(handlerModel.method(), CodeBlock.of(""), -1);
      String failure = fresh("failure", locals);
      if (handlerModel.codec().isEmpty()) {
        method
            .beginControlFlow("if ($N.isDuplicate())", claim)
            .addStatement("return")
            .endControlFlow()
            .beginControlFlow("try")
            .addStatement("$L", call)
            .nextControlFlow("catch ($T $N)", Throwable.class, failure)
            .addStatement("$N.release($N)", claim, failure)
            .addStatement("throw $N", failure)
            .endControlFlow()
            .addStatement("$N.complete(null)", claim);
        return;
      }
      Codec codec = handlerModel.codec().get();
      String codecConstant = codecConstants.get(handlerModel);
      method.beginControlFlow("if ($N.isDuplicate())", claim);
      if (codec.primitive()) {
        method.addStatement(
            "return $T.ofPrimitive($N.decode($N.replayedResult()),$W$N,$W$S)",
            KnownTypes.REPLAYED_RESULTS,
            codecConstant,
            claim,
            handlerConstant,
            handlerModel.signature().getReturnType().toString());
      } else {
        method.addStatement("return $N.decode($N.replayedResult())", codecConstant, claim);
      }
      String result = fresh("result", locals);
      String encoded = fresh("encoded", locals);
      // Encoding is inside the try: a result the codec cannot encode releases the claim (and rolls
      // back a transactional claim's work) instead of leaving it open on the thread.
      method
          .endControlFlow()
          .addStatement("$T $N", TypeName.get(handlerModel.signature().getReturnType()), result)
          .addStatement("byte[] $N", encoded)
          .beginControlFlow("try")
          .addStatement("$N = $L", result, call)
          .addStatement("$N = $N.encode($N)", encoded, codecConstant, result)
          .nextControlFlow("catch ($T $N)", Throwable.class, failure)
          .addStatement("$N.release($N)", claim, failure)
          .addStatement("throw $N", failure)
          .endControlFlow()
          .addStatement("$N.complete($N)", claim, encoded)
          .addStatement("return $N", result);
    }

    /**
     * The batch claim protocol of {@code io.idempo.runtime.BatchClaim} for the keys in the local
     * {@code keys}: claim them all at once, call the handler with only the acquired messages (not
     * at all if there are none), release the claim if it throws and complete it otherwise.
     */
    private void batchClaimStatements(
        MethodSpec.Builder method,
        HandlerMethodModel handlerModel,
        String keys,
        Set<String> locals) {
      KeyPath keyPath = handlerModel.keyPath();
      Step batch = keyPath.steps().get(0);
      String claim = fresh("claim", locals);
      method.addStatement(
          "$T $N = $N.claimBatch($N, $N)",
          KnownTypes.BATCH_CLAIM,
          claim,
          storeField,
          handlerConstants.get(handlerModel),
          keys);
      String acquired = fresh("acquired", locals);
      CodeBlock subset;
      switch (keyPath.batch().get()) {
        case LIST -> {
          method.addStatement(
              "$T $N = $N.acquiredOf($N)",
              TypeName.get(batch.type()),
              acquired,
              claim,
              batch.member());
          subset = CodeBlock.of("$N", acquired);
        }
        case COLLECTION -> {
          method.addStatement(
              "$T $N = $N.acquiredOf(new $T<>($N))",
              TypeName.get(batch.type()),
              acquired,
              claim,
              ArrayList.class,
              batch.member());
          subset = CodeBlock.of("$N", acquired);
        }
        case ARRAY -> {
          TypeName messageType = localType(keyPath.steps().get(1).type());
          if (messageType == null) {
            method.addStatement(
                "var $N = $N.acquiredOf($T.asList($N))", acquired, claim, ARRAYS, batch.member());
          } else {
            method.addStatement(
                "$T $N = $N.acquiredOf($T.asList($N))",
                ParameterizedTypeName.get(ClassName.get(List.class), messageType),
                acquired,
                claim,
                ARRAYS,
                batch.member());
          }
          // An empty array of the parameter's own runtime type, whatever its element type.
          subset = CodeBlock.of("$N.toArray($T.copyOf($N, 0))", acquired, ARRAYS, batch.member());
        }
        default -> throw new AssertionError(keyPath.batch());
      }
      int parameter =
          new ArrayList<>(parameterNames(handlerModel.method())).indexOf(batch.member());
      String failure = fresh("failure", locals);
      method
          .beginControlFlow("if (!$N.isEmpty())", acquired)
          .beginControlFlow("try")
          .addStatement("$L", callHandler(handlerModel.method(), subset, parameter))
          .nextControlFlow("catch ($T $N)", Throwable.class, failure)
          .addStatement("$N.release($N)", claim, failure)
          .addStatement("throw $N", failure)
          .endControlFlow()
          .endControlFlow()
          .addStatement("$N.complete()", claim);
    }

    /**
     * The call of the original method, with its own arguments, except {@code replacement} for the
     * parameter at {@code replaced} (-1 for none).
     */
    private CodeBlock callHandler(ExecutableElement element, CodeBlock replacement, int replaced) {
      List<CodeBlock> arguments = new ArrayList<>();
      List<? extends VariableElement> parameters = element.getParameters();
      for (int i = 0; i < parameters.size(); i++) {
        arguments.add(
            i == replaced ? replacement : CodeBlock.of("$N", parameters.get(i).getSimpleName()));
      }
      return CodeBlock.of(
          "$L.$N($L)",
          model.shape() == Shape.DECORATOR ? delegateField : "super",
          element.getSimpleName().toString(),
          CodeBlock.join(arguments, ", "));
    }

    private CodeBlock methodJavadoc(HandlerMethodModel model) {
      ExecutableElement element = model.method();
      List<CodeBlock> erased = new ArrayList<>();
      // The link names the declaring class, so it uses the declared parameter types.
      for (VariableElement parameter : element.getParameters()) {
        erased.add(CodeBlock.of("$T", TypeName.get(types.erasure(parameter.asType()))));
      }
      return CodeBlock.builder()
          .add(
              "Runs {@link $T#$L($L)} once per key {@code $L}",
              ClassName.get((TypeElement) element.getEnclosingElement()),
              element.getSimpleName(),
              CodeBlock.join(erased, ", "),
              model.keyPath().text())
          .add(
              model.keyPath().batch().isPresent()
                  ? ":\nit runs with only the messages whose keys are new, in their order, and not"
                      + " at all\nif there are none.\n"
                  : element.getReturnType().getKind() == TypeKind.VOID
                      ? ";\na duplicate delivery returns at once.\n"
                      : ";\na duplicate delivery returns the result recorded by the first.\n")
          .add(
              model
                  .fingerprint()
                  .map(
                      f ->
                          CodeBlock.of(
                              "\n<p>A delivery that reuses a completed key with another payload"
                                  + " fails with\n{@link $T} and does not run it; the"
                                  + " payload is the fingerprint\nof {@code $L}.\n",
                              KnownTypes.KEY_REUSE_EXCEPTION,
                              f.text()))
                  .orElse(CodeBlock.of("")))
          .build();
    }

    private MethodSpec forwardedMethod(ForwardedMethod forwarded) {
      ExecutableElement element = forwarded.method();
      MethodSpec.Builder method = signature(element, forwarded.type());
      String call = "$N.$N(" + String.join(", ", parameterNames(element)) + ")";
      if (forwarded.type().getReturnType().getKind() == TypeKind.VOID) {
        method.addStatement(call, delegateField, element.getSimpleName().toString());
      } else {
        method.addStatement("return " + call, delegateField, element.getSimpleName().toString());
      }
      return method.build();
    }

    /** An override of {@code element}, with the signature {@code type}. */
    private MethodSpec.Builder signature(ExecutableElement element, ExecutableType type) {
      MethodSpec.Builder method =
          MethodSpec.methodBuilder(element.getSimpleName().toString())
              .addAnnotation(Override.class);
      if (element.getModifiers().contains(Modifier.PUBLIC) || model.shape() == Shape.DECORATOR) {
        method.addModifiers(Modifier.PUBLIC);
      } else if (element.getModifiers().contains(Modifier.PROTECTED)) {
        method.addModifiers(Modifier.PROTECTED);
      }
      for (TypeParameterElement typeParameter : element.getTypeParameters()) {
        method.addTypeVariable(TypeVariableName.get(typeParameter));
      }
      method.returns(TypeName.get(type.getReturnType()));
      List<? extends VariableElement> parameters = element.getParameters();
      for (int i = 0; i < parameters.size(); i++) {
        method.addParameter(
            ParameterSpec.builder(
                    TypeName.get(type.getParameterTypes().get(i)),
                    parameters.get(i).getSimpleName().toString())
                .build());
      }
      method.varargs(element.isVarArgs());
      for (TypeMirror thrown : type.getThrownTypes()) {
        method.addException(TypeName.get(thrown));
      }
      suppressWarnings(signatureWarnings(type, element.isVarArgs()))
          .ifPresent(method::addAnnotation);
      return method;
    }

    /**
     * The declared type of a key-path local, or null to declare it {@code var} because the wrapper
     * cannot write the type's name.
     */
    private TypeName localType(TypeMirror type) {
      if (isWritable(type) && checks.firstInaccessible(type, pkg) == null) {
        return TypeName.get(type);
      }
      return null;
    }

    /** False for captured and foreign type variables, which have no name in the wrapper. */
    private boolean isWritable(TypeMirror type) {
      if (type.getKind() == TypeKind.TYPEVAR) {
        Element owner = ((TypeVariable) type).asElement().getEnclosingElement();
        return owner.equals(handler)
            || (owner instanceof ExecutableElement && owner.getEnclosingElement().equals(handler));
      }
      if (!type.getKind().isPrimitive()
          && type.getKind() != TypeKind.DECLARED
          && type.getKind() != TypeKind.ARRAY
          && type.getKind() != TypeKind.WILDCARD) {
        return false;
      }
      for (TypeMirror part : TypeChecks.parts(type)) {
        if (!isWritable(part)) {
          return false;
        }
      }
      return true;
    }

    /** Takes a class-level name (field or constant) that nothing in the class uses yet. */
    private String take(String preferred) {
      String name = fresh(preferred, classNames);
      declared.add(name);
      return name;
    }
  }

  /** Warnings that a faithful copy of a signature would cause, to suppress on the copy. */
  private static Set<String> signatureWarnings(ExecutableElement element, boolean varargs) {
    return signatureWarnings((ExecutableType) element.asType(), varargs);
  }

  private static Set<String> signatureWarnings(ExecutableType type, boolean varargs) {
    Set<String> warnings = new TreeSet<>();
    List<TypeMirror> all = new ArrayList<>(type.getParameterTypes());
    all.add(type.getReturnType());
    all.addAll(type.getThrownTypes());
    for (TypeMirror t : all) {
      if (TypeChecks.mentionsRawType(t)) {
        warnings.add("rawtypes");
      }
    }
    if (varargs && !type.getParameterTypes().isEmpty()) {
      TypeMirror last = type.getParameterTypes().get(type.getParameterTypes().size() - 1);
      if (last.getKind() == TypeKind.ARRAY && !isReifiable(((ArrayType) last).getComponentType())) {
        warnings.add("unchecked");
      }
    }
    return warnings;
  }

  private static boolean isReifiable(TypeMirror type) {
    if (type.getKind() == TypeKind.TYPEVAR) {
      return false;
    }
    if (type.getKind() == TypeKind.ARRAY) {
      return isReifiable(((ArrayType) type).getComponentType());
    }
    if (type.getKind() != TypeKind.DECLARED) {
      return true;
    }
    for (TypeMirror argument : ((DeclaredType) type).getTypeArguments()) {
      if (argument.getKind() != TypeKind.WILDCARD || !TypeChecks.parts(argument).isEmpty()) {
        return false;
      }
    }
    TypeMirror enclosing = ((DeclaredType) type).getEnclosingType();
    return enclosing.getKind() != TypeKind.DECLARED || isReifiable(enclosing);
  }

  private static java.util.Optional<AnnotationSpec> suppressWarnings(Set<String> warnings) {
    if (warnings.isEmpty()) {
      return java.util.Optional.empty();
    }
    AnnotationSpec.Builder annotation = AnnotationSpec.builder(SuppressWarnings.class);
    if (warnings.size() == 1) {
      annotation.addMember("value", "$S", warnings.iterator().next());
    } else {
      List<CodeBlock> values = new ArrayList<>();
      for (String warning : warnings) {
        values.add(CodeBlock.of("$S", warning));
      }
      annotation.addMember("value", "{$L}", CodeBlock.join(values, ", "));
    }
    return java.util.Optional.of(annotation.build());
  }

  private static Set<String> parameterNames(ExecutableElement executable) {
    Set<String> names = new LinkedHashSet<>();
    for (VariableElement parameter : executable.getParameters()) {
      names.add(parameter.getSimpleName().toString());
    }
    return names;
  }

  /**
   * A name for one element of the batch parameter {@code batch}: {@code payment} for {@code
   * payments}, else {@code message}.
   */
  private static String singular(String batch) {
    return batch.length() > 1 && batch.endsWith("s") && !batch.endsWith("ss")
        ? batch.substring(0, batch.length() - 1)
        : "message";
  }

  /** True if {@code type.class} names exactly {@code type}: no type arguments anywhere. */
  private static boolean hasClassLiteral(TypeName type) {
    if (type instanceof ArrayTypeName array) {
      return array.componentType().isPrimitive() || hasClassLiteral(array.componentType());
    }
    return type instanceof ClassName;
  }

  private static boolean hasAnnotation(Element element, String name) {
    return element.getAnnotationMirrors().stream()
        .anyMatch(
            a ->
                ((TypeElement) a.getAnnotationType().asElement())
                    .getQualifiedName()
                    .contentEquals(name));
  }

  /** True if code in any package can name {@code type}. */
  private static boolean isPublic(TypeElement type) {
    for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
      if (!e.getModifiers().contains(Modifier.PUBLIC)) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code preferred}, or it followed by 2, 3, ..., whichever is not in {@code taken}; the result
   * is added to {@code taken}.
   */
  static String fresh(String preferred, Set<String> taken) {
    String name = preferred;
    for (int i = 2; taken.contains(name) || SourceVersion.isKeyword(name); i++) {
      name = preferred + i;
    }
    taken.add(name);
    return name;
  }
}
