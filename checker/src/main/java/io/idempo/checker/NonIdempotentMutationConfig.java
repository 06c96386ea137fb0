package io.idempo.checker;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.common.collect.ImmutableSetMultimap;
import com.google.errorprone.ErrorProneFlags;
import java.util.Optional;
import javax.lang.model.SourceVersion;

/**
 * The {@code -XepOpt:NonIdempotentMutation:<Key>=<value>} flags, parsed and validated once.
 *
 * <p>A bad value is an {@link IllegalArgumentException} whose message names the flag, the value and
 * the expected form, so a typo in a build file fails the build instead of silently switching a
 * feature off.
 */
final class NonIdempotentMutationConfig {

  static final String PREFIX = "NonIdempotentMutation:";

  /** The annotation Idempo's handlers carry; known by name only. */
  static final String IDEMPOTENT_HANDLER = "io.idempo.IdempotentHandler";

  static final String HANDLER_ANNOTATIONS = "HandlerAnnotations";
  static final String HANDLER_METHODS = "HandlerMethods";
  static final String EXCLUDED_HANDLER_ANNOTATIONS = "ExcludedHandlerAnnotations";
  static final String HANDLER_BEAN_ANNOTATIONS = "HandlerBeanAnnotations";
  static final String IDEMPOTENT_METHODS = "IdempotentMethods";
  static final String NON_IDEMPOTENT_METHODS = "NonIdempotentMethods";
  static final String EXCLUDED_CLASSES = "ExcludedClasses";
  static final String MAX_CALL_DEPTH = "MaxCallDepth";
  static final String REPORT_METRICS = "ReportMetrics";

  static final ImmutableSet<String> KEYS =
      ImmutableSet.of(
          HANDLER_ANNOTATIONS,
          HANDLER_METHODS,
          EXCLUDED_HANDLER_ANNOTATIONS,
          HANDLER_BEAN_ANNOTATIONS,
          IDEMPOTENT_METHODS,
          NON_IDEMPOTENT_METHODS,
          EXCLUDED_CLASSES,
          MAX_CALL_DEPTH,
          REPORT_METRICS);

  static final int DEFAULT_MAX_CALL_DEPTH = 4;
  private static final int MAX_ALLOWED_CALL_DEPTH = 16;

  private final ImmutableSet<String> handlerAnnotations;
  private final ImmutableSetMultimap<String, String> handlerMethods;
  private final ImmutableSet<String> excludedHandlerAnnotations;
  private final ImmutableSet<String> handlerBeanAnnotations;
  private final ImmutableSetMultimap<String, String> idempotentMethods;
  private final ImmutableSetMultimap<String, String> nonIdempotentMethods;
  private final ImmutableSet<String> excludedClasses;
  private final ImmutableSet<String> excludedPackages;
  private final int maxCallDepth;
  private final boolean reportMetrics;

  private NonIdempotentMutationConfig(ErrorProneFlags flags) {
    for (String key : flags.getFlagsMap().keySet()) {
      if (key.startsWith(PREFIX) && !KEYS.contains(key.substring(PREFIX.length()))) {
        throw new IllegalArgumentException(
            "Unknown flag -XepOpt:"
                + key
                + "; NonIdempotentMutation understands "
                + KEYS.stream().map(k -> PREFIX + k).collect(ImmutableList.toImmutableList()));
      }
    }
    ImmutableSet.Builder<String> annotations = ImmutableSet.builder();
    annotations.add(IDEMPOTENT_HANDLER);
    for (String name : list(flags, HANDLER_ANNOTATIONS)) {
      annotations.add(qualifiedName(HANDLER_ANNOTATIONS, name));
    }
    this.handlerAnnotations = annotations.build();
    this.handlerMethods = methods(flags, HANDLER_METHODS);
    ImmutableSet.Builder<String> excluded = ImmutableSet.builder();
    excluded.addAll(Vocabulary.REPLAY_HANDLER_ANNOTATIONS);
    for (String name : list(flags, EXCLUDED_HANDLER_ANNOTATIONS)) {
      excluded.add(qualifiedName(EXCLUDED_HANDLER_ANNOTATIONS, name));
    }
    this.excludedHandlerAnnotations = excluded.build();
    ImmutableSet.Builder<String> beans = ImmutableSet.builder();
    for (String name : list(flags, HANDLER_BEAN_ANNOTATIONS)) {
      beans.add(qualifiedName(HANDLER_BEAN_ANNOTATIONS, name));
    }
    this.handlerBeanAnnotations = beans.build();
    this.idempotentMethods = methods(flags, IDEMPOTENT_METHODS);
    this.nonIdempotentMethods = methods(flags, NON_IDEMPOTENT_METHODS);
    ImmutableSet.Builder<String> classes = ImmutableSet.builder();
    ImmutableSet.Builder<String> packages = ImmutableSet.builder();
    for (String name : list(flags, EXCLUDED_CLASSES)) {
      if (name.endsWith(".*")) {
        packages.add(qualifiedName(EXCLUDED_CLASSES, name.substring(0, name.length() - 2)) + ".");
      } else {
        classes.add(qualifiedName(EXCLUDED_CLASSES, name));
      }
    }
    this.excludedClasses = classes.build();
    this.excludedPackages = packages.build();
    this.maxCallDepth = maxCallDepth(flags);
    this.reportMetrics = bool(flags, REPORT_METRICS);
  }

  /** Parses and validates the flags; throws {@link IllegalArgumentException} on a bad one. */
  static NonIdempotentMutationConfig fromFlags(ErrorProneFlags flags) {
    return new NonIdempotentMutationConfig(flags);
  }

  /** Fully qualified names of the annotations that mark a method as a message handler. */
  ImmutableSet<String> handlerAnnotations() {
    return handlerAnnotations;
  }

  /** Listener interface methods ({@code type → method names}) whose implementations are handlers. */
  ImmutableSetMultimap<String, String> handlerMethods() {
    return handlerMethods;
  }

  /**
   * Annotations that make a method no handler even when they carry a handler annotation: Axon's
   * {@code @EventSourcingHandler} and the {@code ExcludedHandlerAnnotations}.
   */
  ImmutableSet<String> excludedHandlerAnnotations() {
    return excludedHandlerAnnotations;
  }

  /**
   * Annotations of methods that return a functional handler ({@code @Bean Consumer<Order>}): the
   * lambda returned, or the method referred to, is a handler.
   */
  ImmutableSet<String> handlerBeanAnnotations() {
    return handlerBeanAnnotations;
  }

  /** Whether {@code type#method} was declared idempotent: the check neither flags nor enters it. */
  boolean isDeclaredIdempotent(String type, String method) {
    return idempotentMethods.containsEntry(type, method);
  }

  /** Whether {@code type#method} was declared non-idempotent: every call from a handler is flagged. */
  boolean isDeclaredNonIdempotent(String type, String method) {
    return nonIdempotentMethods.containsEntry(type, method);
  }

  /** Whether any {@code IdempotentMethods} or {@code NonIdempotentMethods} were given. */
  boolean hasDeclaredMethods() {
    return !idempotentMethods.isEmpty() || !nonIdempotentMethods.isEmpty();
  }

  /** Whether the class (or a package above it) was excluded with {@code ExcludedClasses}. */
  boolean isExcluded(String qualifiedClassName) {
    if (excludedClasses.contains(qualifiedClassName)) {
      return true;
    }
    for (String prefix : excludedPackages) {
      if (qualifiedClassName.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether process-local metrics are reported: meters, and atomics that only feed logs and meters.
   */
  boolean reportMetrics() {
    return reportMetrics;
  }

  /** How many calls below a handler the check follows. */
  int maxCallDepth() {
    return maxCallDepth;
  }

  private static ImmutableList<String> list(ErrorProneFlags flags, String key) {
    Optional<String> raw = flags.get(PREFIX + key);
    if (raw.isEmpty()) {
      return ImmutableList.of();
    }
    ImmutableList.Builder<String> entries = ImmutableList.builder();
    for (String entry : raw.get().split(",", -1)) {
      String trimmed = entry.trim();
      if (trimmed.isEmpty()) {
        throw new IllegalArgumentException(
            "-XepOpt:"
                + PREFIX
                + key
                + " has an empty entry in '"
                + raw.get()
                + "'; give a comma-separated list without empty items");
      }
      entries.add(trimmed);
    }
    return entries.build();
  }

  private static String qualifiedName(String key, String name) {
    if (!SourceVersion.isName(name) || !name.contains(".")) {
      throw new IllegalArgumentException(
          "-XepOpt:"
              + PREFIX
              + key
              + ": '"
              + name
              + "' is not a fully qualified Java name (for example com.example.Listener)");
    }
    return name;
  }

  private static ImmutableSetMultimap<String, String> methods(ErrorProneFlags flags, String key) {
    ImmutableSetMultimap.Builder<String, String> methods = ImmutableSetMultimap.builder();
    for (String entry : list(flags, key)) {
      int hash = entry.indexOf('#');
      String method = hash < 0 ? "" : entry.substring(hash + 1);
      if (hash <= 0 || !SourceVersion.isIdentifier(method) || SourceVersion.isKeyword(method)) {
        throw new IllegalArgumentException(
            "-XepOpt:"
                + PREFIX
                + key
                + ": '"
                + entry
                + "' is not of the form fully.qualified.Type#method (for example"
                + " org.springframework.kafka.listener.MessageListener#onMessage)");
      }
      methods.put(qualifiedName(key, entry.substring(0, hash)), method);
    }
    return methods.build();
  }

  private static boolean bool(ErrorProneFlags flags, String key) {
    Optional<String> raw = flags.get(PREFIX + key);
    if (raw.isEmpty()) {
      return false;
    }
    String value = raw.get().trim();
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException(
          "-XepOpt:" + PREFIX + key + ": '" + raw.get() + "' is not true or false");
    }
    return value.equals("true");
  }

  private static int maxCallDepth(ErrorProneFlags flags) {
    Optional<String> raw = flags.get(PREFIX + MAX_CALL_DEPTH);
    if (raw.isEmpty()) {
      return DEFAULT_MAX_CALL_DEPTH;
    }
    int depth;
    try {
      depth = Integer.parseInt(raw.get().trim());
    } catch (NumberFormatException e) {
      depth = -1;
    }
    if (depth < 0 || depth > MAX_ALLOWED_CALL_DEPTH) {
      throw new IllegalArgumentException(
          "-XepOpt:"
              + PREFIX
              + MAX_CALL_DEPTH
              + ": '"
              + raw.get()
              + "' is not a whole number from 0 to "
              + MAX_ALLOWED_CALL_DEPTH);
    }
    return depth;
  }
}
