package io.idempo.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.JavaFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Elements;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/**
 * Generates {@code Idempotent<Handler>} for every class with {@code @IdempotentHandler} methods.
 *
 * <p>Each round: collect the classes that declare handler methods, plus those deferred from earlier
 * rounds; {@linkplain HandlerValidator validate} each one, reporting every problem; {@linkplain
 * WrapperGenerator generate} the wrapper of each valid one. A class whose types are not resolvable
 * yet (another processor may generate them in this round) waits for the next round, and is reported
 * only when processing is over. Nothing thrown escapes {@link #process}: an unexpected exception
 * becomes a compile error with its stack trace, on the class being processed.
 */
@AutoService(Processor.class)
public final class IdempotentHandlerProcessor extends AbstractProcessor {

  /** Qualified names of handler classes waiting for types to be resolved, with those types. */
  private final Map<String, Set<String>> deferred = new LinkedHashMap<>();

  /** Classes already generated, so that a deferred class is never generated twice. */
  private final Set<String> done = new LinkedHashSet<>();

  private HandlerValidator validator;
  private WrapperGenerator generator;

  /** Creates the processor; javac finds it through {@code META-INF/services}. */
  public IdempotentHandlerProcessor() {}

  @Override
  public synchronized void init(ProcessingEnvironment processingEnv) {
    super.init(processingEnv);
    Elements elements = processingEnv.getElementUtils();
    validator = new HandlerValidator(elements, processingEnv.getTypeUtils());
    generator = new WrapperGenerator(elements, processingEnv.getTypeUtils());
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(KnownTypes.HANDLER_ANNOTATION, KnownTypes.KEY_ANNOTATION);
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    try {
      processRound(round);
    } catch (RuntimeException | Error e) {
      reportCrash(null, e, processingEnv.getMessager());
    }
    return false;
  }

  private void processRound(RoundEnvironment round) {
    Messager messager = processingEnv.getMessager();
    if (round.processingOver()) {
      reportStillUnresolved(messager);
      return;
    }
    Map<TypeElement, List<ExecutableElement>> handlers = collect(round, messager);
    for (Map.Entry<TypeElement, List<ExecutableElement>> entry : handlers.entrySet()) {
      TypeElement type = entry.getKey();
      try {
        process(type, entry.getValue(), messager);
      } catch (IOException e) {
        messager.printMessage(
            Diagnostic.Kind.ERROR,
            "could not write the wrapper for " + type.getQualifiedName() + ": " + e.getMessage(),
            type);
      } catch (RuntimeException | Error e) {
        reportCrash(type, e, messager);
      }
    }
  }

  private void process(TypeElement type, List<ExecutableElement> methods, Messager messager)
      throws IOException {
    String name = type.getQualifiedName().toString();
    HandlerValidator.Outcome outcome = validator.validate(type, methods);
    if (!outcome.unresolved().isEmpty()) {
      deferred.put(name, outcome.unresolved());
      return;
    }
    deferred.remove(name);
    done.add(name);
    for (Problem problem : outcome.problems()) {
      problem.reportTo(messager);
    }
    for (Problem warning : outcome.warnings()) {
      warning.reportTo(messager);
    }
    if (outcome.model().isPresent()) {
      HandlerClassModel model = outcome.model().get();
      JavaFile file = generator.generate(model);
      JavaFileObject source =
          processingEnv.getFiler().createSourceFile(model.generatedName().canonicalName(), type);
      try (Writer out = source.openWriter()) {
        out.write(WrapperGenerator.text(file));
      }
    }
  }

  /**
   * The handler classes of this round with their handler methods, in source order, including
   * classes deferred from earlier rounds.
   */
  private Map<TypeElement, List<ExecutableElement>> collect(
      RoundEnvironment round, Messager messager) {
    Elements elements = processingEnv.getElementUtils();
    Map<TypeElement, List<ExecutableElement>> handlers = new LinkedHashMap<>();
    for (String name : new ArrayList<>(deferred.keySet())) {
      TypeElement type = elements.getTypeElement(name);
      if (type == null) {
        continue;
      }
      handlers.put(type, handlerMethods(type));
    }
    TypeElement handlerAnnotation = elements.getTypeElement(KnownTypes.HANDLER_ANNOTATION);
    if (handlerAnnotation != null) {
      for (Element element : round.getElementsAnnotatedWith(handlerAnnotation)) {
        if (element.getKind() != ElementKind.METHOD
            || !(element.getEnclosingElement() instanceof TypeElement)) {
          continue;
        }
        TypeElement type = (TypeElement) element.getEnclosingElement();
        if (!done.contains(type.getQualifiedName().toString())) {
          handlers.computeIfAbsent(type, this::handlerMethods);
        }
      }
    }
    TypeElement keyAnnotation = elements.getTypeElement(KnownTypes.KEY_ANNOTATION);
    if (keyAnnotation != null) {
      for (Element element : round.getElementsAnnotatedWith(keyAnnotation)) {
        Element method = element.getEnclosingElement();
        if (element.getKind() == ElementKind.PARAMETER
            && AnnotationValues.handlerAnnotation(method) == null) {
          AnnotationMirror mirror = AnnotationValues.keyAnnotation(element);
          HandlerValidator.strayKeyParameter((VariableElement) element, mirror).reportTo(messager);
        }
      }
    }
    return handlers;
  }

  /**
   * The methods of {@code type} that carry {@code @IdempotentHandler}: its own, in source order,
   * then those it inherits from superclasses without overriding them, so that the wrapper guards
   * every handler method a caller can reach through it.
   */
  private List<ExecutableElement> handlerMethods(TypeElement type) {
    List<ExecutableElement> methods = new ArrayList<>();
    for (Element member : type.getEnclosedElements()) {
      if (member.getKind() == ElementKind.METHOD
          && AnnotationValues.handlerAnnotation(member) != null) {
        methods.add((ExecutableElement) member);
      }
    }
    if (type.getKind() != ElementKind.CLASS && type.getKind() != ElementKind.RECORD) {
      return methods;
    }
    for (Element member : processingEnv.getElementUtils().getAllMembers(type)) {
      if (member.getKind() == ElementKind.METHOD
          && !member.getEnclosingElement().equals(type)
          && member.getEnclosingElement().getKind() == ElementKind.CLASS
          && !member.getModifiers().contains(Modifier.PRIVATE)
          && !member.getModifiers().contains(Modifier.STATIC)
          && !member.getModifiers().contains(Modifier.FINAL)
          && AnnotationValues.handlerAnnotation(member) != null) {
        methods.add((ExecutableElement) member);
      }
    }
    return methods;
  }

  private void reportStillUnresolved(Messager messager) {
    Elements elements = processingEnv.getElementUtils();
    for (Map.Entry<String, Set<String>> entry : deferred.entrySet()) {
      TypeElement type = elements.getTypeElement(entry.getKey());
      String generated =
          type == null
              ? "the wrapper of " + entry.getKey()
              : Names.wrapperSimpleName(type);
      messager.printMessage(
          Diagnostic.Kind.ERROR,
          "could not generate "
              + generated
              + " because these types could not be resolved: "
              + String.join(", ", entry.getValue())
              + ". If another annotation processor generates them, check that it runs; otherwise"
              + " fix the missing imports or dependencies",
          type);
    }
    deferred.clear();
  }

  /** Reports an unexpected exception as a compile error, on {@code type} if there is one. */
  private static void reportCrash(TypeElement type, Throwable e, Messager messager) {
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    String message =
        "Idempo's annotation processor failed"
            + (type == null ? "" : " on " + type.getQualifiedName())
            + ", which is a bug in the processor; please report it with this trace:\n"
            + trace;
    if (type == null) {
      messager.printMessage(Diagnostic.Kind.ERROR, message);
    } else {
      messager.printMessage(Diagnostic.Kind.ERROR, message, type);
    }
  }
}
