package io.idempo.processor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.lang.model.element.TypeElement;

/**
 * The names Idempo gives and suggests: the generated wrapper's name, identifier case conversion
 * and "did you mean" suggestions.
 */
final class Names {

  /** What a wrapper's name starts with; the Spring Boot starter finds wrappers by it. */
  private static final String WRAPPER_PREFIX = "Idempotent";

  private Names() {}

  /**
   * The simple name of the wrapper generated for {@code handler}, in the handler's package: {@code
   * IdempotentOrderHandler}, or {@code IdempotentHandlers_Payments} for a nested class {@code
   * Handlers.Payments}. The {@code @IdempotentHandler} Javadoc documents this rule.
   */
  static String wrapperSimpleName(TypeElement handler) {
    return WRAPPER_PREFIX + TypeChecks.simpleNames(handler).replace('.', '_');
  }

  /** {@code onOrderPlaced} becomes {@code ON_ORDER_PLACED}. */
  static String upperSnake(String camel) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (i > 0 && Character.isUpperCase(c)) {
        char previous = camel.charAt(i - 1);
        if (Character.isLowerCase(previous) || Character.isDigit(previous)) {
          out.append('_');
        }
      }
      out.append(Character.toUpperCase(c));
    }
    return out.toString();
  }

  /** {@code orderId} becomes {@code OrderId}. */
  static String capitalize(String name) {
    return name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  /**
   * A property name for a getter name, {@code getOrderId} giving {@code orderId}, or null if
   * {@code methodName} is not a getter name.
   */
  static String propertyOfGetter(String methodName) {
    for (String prefix : List.of("get", "is")) {
      if (methodName.length() > prefix.length()
          && methodName.startsWith(prefix)
          && Character.isUpperCase(methodName.charAt(prefix.length()))) {
        String rest = methodName.substring(prefix.length());
        return Character.toLowerCase(rest.charAt(0)) + rest.substring(1);
      }
    }
    return null;
  }

  /**
   * The candidate closest to {@code wanted} by edit distance (ignoring case), if it is close enough
   * to be a plausible typo; otherwise null. Ties go to the earlier candidate.
   */
  static String closest(String wanted, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int distance =
          editDistance(wanted.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    int threshold = Math.max(1, Math.min(3, wanted.length() / 2));
    return bestDistance <= threshold ? best : null;
  }

  /** Joins names as {@code `a`, `b`, `c`}. */
  static String quotedList(Collection<String> names) {
    List<String> quoted = new ArrayList<>();
    for (String name : names) {
      quoted.add("`" + name + "`");
    }
    return String.join(", ", quoted);
  }

  /** The Levenshtein distance between {@code a} and {@code b}. */
  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
