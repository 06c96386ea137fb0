package io.idempo.checker;

import com.google.common.collect.ImmutableSet;
import com.google.errorprone.VisitorState;
import com.google.errorprone.suppliers.Supplier;
import com.google.errorprone.util.ASTHelpers;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.code.TypeTag;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * What the check knows about library types that hold state: which calls on atomics, adders,
 * maps, lists and queues read-modify-write, which are idempotent, and which methods combine a value
 * with another (accumulate) or merge it monotonically.
 */
final class StateApis {

  private static final ImmutableSet<String> COUNTER_TYPES =
      ImmutableSet.of(
          "java.util.concurrent.atomic.AtomicInteger",
          "java.util.concurrent.atomic.AtomicLong",
          "java.util.concurrent.atomic.AtomicIntegerArray",
          "java.util.concurrent.atomic.AtomicLongArray",
          "java.util.concurrent.atomic.LongAdder",
          "java.util.concurrent.atomic.DoubleAdder",
          "java.util.concurrent.atomic.AtomicIntegerFieldUpdater",
          "java.util.concurrent.atomic.AtomicLongFieldUpdater");

  private static final ImmutableSet<String> UPDATABLE_TYPES =
      ImmutableSet.of(
          "java.util.concurrent.atomic.AtomicInteger",
          "java.util.concurrent.atomic.AtomicLong",
          "java.util.concurrent.atomic.AtomicReference",
          "java.util.concurrent.atomic.AtomicIntegerArray",
          "java.util.concurrent.atomic.AtomicLongArray",
          "java.util.concurrent.atomic.AtomicReferenceArray");

  /** Counter operations: every call moves the value. */
  private static final ImmutableSet<String> COUNTER_METHODS =
      ImmutableSet.of(
          "incrementAndGet",
          "getAndIncrement",
          "decrementAndGet",
          "getAndDecrement",
          "addAndGet",
          "getAndAdd",
          "increment",
          "decrement",
          "add");

  /** Operations that apply a function to the current value. */
  static final ImmutableSet<String> UPDATE_METHODS =
      ImmutableSet.of("updateAndGet", "getAndUpdate", "accumulateAndGet", "getAndAccumulate");

  /** Appends: a second call adds a second element. */
  private static final ImmutableSet<String> APPEND_METHODS =
      ImmutableSet.of(
          "add", "addAll", "addFirst", "addLast", "offer", "offerFirst", "offerLast", "push", "put",
          "putAll");

  /** Method names that combine their receiver or arguments into a larger or smaller value. */
  private static final ImmutableSet<String> ACCUMULATING_NAMES =
      ImmutableSet.of(
          "add",
          "subtract",
          "multiply",
          "divide",
          "negate",
          "pow",
          "plus",
          "minus",
          "sum",
          "concat",
          "append",
          "increment",
          "decrement",
          "inc",
          "dec",
          "times",
          "addExact",
          "subtractExact",
          "multiplyExact",
          "incrementExact",
          "decrementExact",
          "negateExact",
          "shiftLeft",
          "shiftRight");

  private static final ImmutableSet<String> ACCUMULATING_PREFIXES =
      ImmutableSet.of("add", "plus", "minus", "subtract", "increment", "decrement");

  /** Merges that are idempotent: applying them twice gives the same value as once. */
  private static final ImmutableSet<String> MONOTONE_NAMES = ImmutableSet.of("max", "min");

  /** No-argument methods that are not property reads. */
  private static final ImmutableSet<String> NOT_PROPERTIES =
      ImmutableSet.of(
          "getClass", "hashCode", "toString", "size", "isEmpty", "length", "iterator", "stream",
          "get", "getAsInt", "getAsLong", "getAsDouble", "orElseThrow", "intValue", "longValue",
          "doubleValue", "sum", "keySet", "values", "entrySet", "isPresent");

  private StateApis() {}

  static boolean isCounter(@Nullable Type type, VisitorState state) {
    return isAnyOf(type, COUNTER_TYPES, state);
  }

  static boolean isUpdatable(@Nullable Type type, VisitorState state) {
    return isAnyOf(type, UPDATABLE_TYPES, state);
  }

  static boolean isCounterMethod(String name) {
    return COUNTER_METHODS.contains(name);
  }

  static boolean isMap(@Nullable Type type, VisitorState state) {
    return isA(type, "java.util.Map", state);
  }

  static boolean isList(@Nullable Type type, VisitorState state) {
    return isA(type, "java.util.List", state);
  }

  static boolean isSet(@Nullable Type type, VisitorState state) {
    return isA(type, "java.util.Set", state);
  }

  /**
   * Lists, queues and deques, and Guava's counting collections: containers where adding the same
   * element twice leaves two.
   */
  static boolean isAppendable(@Nullable Type type, VisitorState state) {
    if (isSet(type, state)) {
      return false;
    }
    return isA(type, "java.util.List", state)
        || isA(type, "java.util.Queue", state)
        || isA(type, "com.google.common.collect.Multiset", state)
        || isA(type, "com.google.common.collect.ListMultimap", state);
  }

  static boolean isAppendMethod(String name) {
    return APPEND_METHODS.contains(name);
  }

  static boolean isAccumulating(String name) {
    if (ACCUMULATING_NAMES.contains(name)) {
      return true;
    }
    for (String prefix : ACCUMULATING_PREFIXES) {
      if (name.startsWith(prefix)
          && name.length() > prefix.length()
          && Character.isUpperCase(name.charAt(prefix.length()))) {
        return true;
      }
    }
    return false;
  }

  static boolean isMonotone(String name) {
    return MONOTONE_NAMES.contains(name);
  }

  /**
   * The property a no-argument method reads: {@code balance} for {@code getBalance()} or {@code
   * isPaid()} → {@code paid}, the component for a record-style accessor {@code amount()}; null for
   * anything else.
   */
  static @Nullable String getterProperty(MethodSymbol method) {
    if (!method.getParameters().isEmpty()
        || method.getReturnType().getTag() == TypeTag.VOID
        || ASTHelpers.isStatic(method)) {
      return null;
    }
    String name = method.getSimpleName().toString();
    if (NOT_PROPERTIES.contains(name)) {
      return null;
    }
    if (name.startsWith("get") && name.length() > 3 && Character.isUpperCase(name.charAt(3))) {
      return decapitalize(name.substring(3));
    }
    if (name.startsWith("is") && name.length() > 2 && Character.isUpperCase(name.charAt(2))) {
      return decapitalize(name.substring(2));
    }
    return name;
  }

  /** The property a one-argument {@code setX(…)} writes, or null. */
  static @Nullable String setterProperty(MethodSymbol method) {
    String name = method.getSimpleName().toString();
    if (method.getParameters().size() != 1
        || ASTHelpers.isStatic(method)
        || !name.startsWith("set")
        || name.length() < 4
        || !Character.isUpperCase(name.charAt(3))) {
      return null;
    }
    return decapitalize(name.substring(3));
  }

  static String decapitalize(String name) {
    if (name.length() > 1 && Character.isUpperCase(name.charAt(1))) {
      return name;
    }
    return Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }

  private static boolean isAnyOf(@Nullable Type type, ImmutableSet<String> names, VisitorState state) {
    for (String name : names) {
      if (isA(type, name, state)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The types looked up by name in one compilation, absent ones included: most of the libraries
   * named here are not on a given classpath, and Error Prone's memoized suppliers look a type that
   * is absent up again on every call.
   */
  private static final Supplier<Map<String, Optional<Type>>> TYPES =
      VisitorState.memoize(state -> new ConcurrentHashMap<>());

  private static boolean isA(@Nullable Type type, String name, VisitorState state) {
    if (type == null) {
      return false;
    }
    Type target =
        TYPES
            .get(state)
            .computeIfAbsent(name, n -> Optional.ofNullable(state.getTypeFromString(n)))
            .orElse(null);
    return target != null
        && ASTHelpers.isSubtype(state.getTypes().erasure(type), state.getTypes().erasure(target), state);
  }
}
