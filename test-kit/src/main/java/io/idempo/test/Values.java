package io.idempo.test;

/** How the kit shows values and messages in failure messages. */
final class Values {

  /** Longer texts are cut, so that one value cannot drown a diff. */
  static final int MAX_LENGTH = 200;

  private Values() {}

  static String show(Object value) {
    return cut(String.valueOf(value));
  }

  static String cut(String text) {
    return text.length() <= MAX_LENGTH ? text : text.substring(0, MAX_LENGTH) + "…";
  }
}
