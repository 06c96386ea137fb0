package io.idempo.test;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A deep copy of an object as a value that later changes to the original cannot change: the
 * objects of your own classes become their fields, collections and maps are copied element by
 * element, arrays become lists, atomics and adders their values. JDK types (strings, numbers,
 * dates, enums) are values already and are kept, and so are the objects of the JDK's, Idempo's
 * runtime's and common frameworks' other classes ({@link #OPAQUE_PACKAGES}): machinery, not state.
 * So an entity in a map, a list in a map or a field of an object is compared by what it holds,
 * not by identity.
 */
final class ObjectGraph {

  /** Deeper objects are compared by {@code equals}. */
  private static final int MAX_DEPTH = 8;

  /**
   * Packages whose objects are not the application's state but the JDK, Idempo's runtime (a
   * wrapper's store) or a framework's machinery (a template, a meter, a logger, a pool): compared
   * by {@code equals}, usually identity, rather than copied field by field.
   */
  private static final List<String> OPAQUE_PACKAGES =
      List.of(
          "java.",
          "javax.",
          "jdk.",
          "sun.",
          "com.sun.",
          "io.idempo.runtime.",
          "org.springframework.",
          "io.micrometer.",
          "org.slf4j.",
          "ch.qos.logback.",
          "org.apache.",
          "com.zaxxer.",
          "org.h2.",
          "org.postgresql.",
          "com.fasterxml.",
          "tools.jackson.",
          "kotlin.");

  /**
   * An object of the application's classes, by its fields: equal when the type and every field
   * are; shown as {@code Wallet{balance=1000, status=NEW}}.
   */
  record Fields(String type, Map<String, Object> values) {
    @Override
    public String toString() {
      StringBuilder text = new StringBuilder(type).append('{');
      values.forEach(
          (name, value) -> {
            if (text.charAt(text.length() - 1) != '{') {
              text.append(", ");
            }
            text.append(name).append('=').append(value);
          });
      return text.append('}').toString();
    }
  }

  private final Set<Object> visiting = Collections.newSetFromMap(new IdentityHashMap<>());

  private ObjectGraph() {}

  /** {@code value} as a value. */
  static Object copy(Object value) {
    return new ObjectGraph().copy(value, 0);
  }

  /** The fields of {@code target}'s class and superclasses, static and synthetic ones excepted. */
  static List<Field> fields(Class<?> type) {
    List<Field> fields = new ArrayList<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (!Modifier.isStatic(field.getModifiers()) && !field.isSynthetic()) {
          fields.add(field);
        }
      }
    }
    return fields;
  }

  private Object copy(Object value, int depth) {
    if (value == null || isValue(value.getClass())) {
      return Row.normalize(value);
    }
    if (depth >= MAX_DEPTH || !visiting.add(value)) {
      // Too deep, or a cycle: compared by equals from here on.
      return value;
    }
    try {
      return copyComposite(value, depth + 1);
    } finally {
      visiting.remove(value);
    }
  }

  private Object copyComposite(Object value, int depth) {
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      map.forEach((key, element) -> copy.put(copy(key, depth), copy(element, depth)));
      return Collections.unmodifiableMap(copy);
    }
    if (value instanceof Set<?> set) {
      Set<Object> copy = new HashSet<>();
      for (Object element : set) {
        copy.add(copy(element, depth));
      }
      return Collections.unmodifiableSet(copy);
    }
    if (value instanceof Collection<?> collection) {
      List<Object> copy = new ArrayList<>();
      for (Object element : collection) {
        copy.add(copy(element, depth));
      }
      return Collections.unmodifiableList(copy);
    }
    if (value.getClass().isArray()) {
      int length = Array.getLength(value);
      List<Object> copy = new ArrayList<>(length);
      for (int i = 0; i < length; i++) {
        copy.add(copy(Array.get(value, i), depth));
      }
      return Collections.unmodifiableList(copy);
    }
    Object held = atomicValue(value);
    if (held != NOT_A_HOLDER) {
      return copy(held, depth);
    }
    if (isOpaque(value.getClass())) {
      return value;
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    for (Field field : fields(value.getClass())) {
      try {
        field.setAccessible(true);
        fields.put(field.getName(), copy(field.get(value), depth));
      } catch (InaccessibleObjectException | IllegalAccessException e) {
        // A class of a module that is not open to the kit: compared by equals.
        return value;
      }
    }
    return new Fields(value.getClass().getSimpleName(), Collections.unmodifiableMap(fields));
  }

  /** Marks an object that is no atomic, adder or optional. */
  private static final Object NOT_A_HOLDER = new Object();

  /** The value an atomic, adder or optional holds, or {@link #NOT_A_HOLDER}. */
  private static Object atomicValue(Object value) {
    if (value instanceof AtomicInteger atomic) {
      return atomic.get();
    }
    if (value instanceof AtomicLong atomic) {
      return atomic.get();
    }
    if (value instanceof AtomicBoolean atomic) {
      return atomic.get();
    }
    if (value instanceof AtomicReference<?> atomic) {
      return atomic.get();
    }
    if (value instanceof LongAdder adder) {
      return adder.sum();
    }
    if (value instanceof DoubleAdder adder) {
      return adder.sum();
    }
    if (value instanceof Optional<?> optional) {
      return optional.orElse(null);
    }
    return NOT_A_HOLDER;
  }

  /** Immutable values: compared by equals as they are. */
  private static boolean isValue(Class<?> type) {
    return type.isPrimitive()
        || type.isEnum()
        || (type.getSuperclass() != null && type.getSuperclass().isEnum())
        || type == String.class
        || (Number.class.isAssignableFrom(type) && isJdk(type) && !type.getName().contains(".atomic."))
        || type == Boolean.class
        || type == Character.class
        || type == byte[].class
        || type == Bytes.class
        || type == Label.class
        || type == Row.class
        || type == Fields.class
        || type.getName().startsWith("java.time.")
        || type == java.util.UUID.class;
  }

  private static boolean isJdk(Class<?> type) {
    return type.getName().startsWith("java.");
  }

  /** Objects compared as they are: machinery, proxies, lambdas. */
  private static boolean isOpaque(Class<?> type) {
    if (type.isHidden() || type.isSynthetic() || java.lang.reflect.Proxy.isProxyClass(type)) {
      return true;
    }
    String name = type.getName();
    for (String prefix : OPAQUE_PACKAGES) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
