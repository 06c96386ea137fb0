package io.idempo.runtime.outbox;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The text form of message headers in the outbox's {@code headers} column: for each header, in
 * order, the length of its name in UTF-16 characters, a colon, the name, the length of its value,
 * a colon, the value. {@code {"a": "x", "bb": ""}} is {@code 1:a1:x2:bb0:}. No escaping is needed
 * and any text round-trips; an empty map is the empty string.
 */
final class Headers {

  private Headers() {}

  static String encode(Map<String, String> headers) {
    StringBuilder out = new StringBuilder();
    headers.forEach(
        (name, value) -> {
          out.append(name.length()).append(':').append(name);
          out.append(value.length()).append(':').append(value);
        });
    return out.toString();
  }

  /**
   * Parses {@link #encode}'s text.
   *
   * @throws IllegalArgumentException if {@code text} is not in that form
   */
  static Map<String, String> decode(String text) {
    Map<String, String> headers = new LinkedHashMap<>();
    int[] at = {0};
    while (at[0] < text.length()) {
      String name = next(text, at);
      String value = next(text, at);
      headers.put(name, value);
    }
    return Collections.unmodifiableMap(headers);
  }

  private static String next(String text, int[] at) {
    int colon = text.indexOf(':', at[0]);
    if (colon <= at[0] || colon - at[0] > 10) {
      throw malformed(text, at[0]);
    }
    int length;
    try {
      length = Integer.parseInt(text.substring(at[0], colon));
    } catch (NumberFormatException e) {
      throw malformed(text, at[0]);
    }
    int end = colon + 1 + length;
    if (length < 0 || end > text.length() || end < 0) {
      throw malformed(text, at[0]);
    }
    at[0] = end;
    return text.substring(colon + 1, end);
  }

  private static IllegalArgumentException malformed(String text, int index) {
    return new IllegalArgumentException(
        "malformed outbox headers at index "
            + index
            + " (expected <length>:<text> pairs): "
            + (text.length() > 80 ? text.substring(0, 77) + "..." : text));
  }
}
