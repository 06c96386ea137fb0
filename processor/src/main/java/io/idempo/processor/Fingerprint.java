package io.idempo.processor;

import io.idempo.processor.KeyPath.Access;
import io.idempo.processor.KeyPath.Step;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.type.TypeMirror;

/**
 * A handler's payload fingerprint, resolved: the paths of {@code @IdempotentHandler(fingerprint =
 * ...)} in the order written, each with the value at its end expanded, at compile time, into the
 * leaves the wrapper adds to {@code io.idempo.runtime.PayloadFingerprint}.
 *
 * @param paths the fingerprint paths, in the order written
 */
record Fingerprint(List<Path> paths) {

  /**
   * How many levels of records, beans, lists and arrays a fingerprint expands below the end of a
   * path; deeper is a compile error. The {@code @IdempotentHandler#fingerprint()} Javadoc
   * documents it.
   */
  static final int MAX_DEPTH = 8;

  Fingerprint {
    paths = List.copyOf(paths);
  }

  /** The paths as written, joined with {@code ", "}, as the handler descriptor names them. */
  String text() {
    List<String> texts = new ArrayList<>();
    for (Path path : paths) {
      texts.add(path.text());
    }
    return String.join(", ", texts);
  }

  /**
   * One fingerprint path.
   *
   * @param text the path as written, for example {@code request} or {@code event.amount}
   * @param steps the resolved steps, read as a key path's are; the first reads a parameter
   * @param value the value at the end of the path, expanded
   */
  record Path(String text, List<Step> steps, Value value) {
    Path {
      steps = List.copyOf(steps);
    }
  }

  /** A value in a fingerprint, as the wrapper adds it. */
  sealed interface Value permits Leaf, Bean, Sequence {

    /** The value's type, as seen from the handler. */
    TypeMirror type();
  }

  /**
   * A value added as it is, with {@code add(path, value)}: a type a key may end in, or {@code
   * byte[]}.
   */
  record Leaf(TypeMirror type) implements Value {}

  /**
   * A record or a class with getters, expanded into its properties, each under {@code
   * <path>.<name>}; a null one is added as null.
   *
   * @param type the record or class, with its type arguments
   * @param properties its properties, in declaration order
   */
  record Bean(TypeMirror type, List<Property> properties) implements Value {
    Bean {
      properties = List.copyOf(properties);
    }
  }

  /**
   * One property of a {@link Bean}.
   *
   * @param name the name in the fingerprint path, for example {@code amount} for {@code
   *     getAmount()}
   * @param access how the value is read: a method (accessor or getter) or a field
   * @param member the method or field to read
   * @param value the property's value, expanded
   */
  record Property(String name, Access access, String member, Value value) {}

  /**
   * A list, collection or array: its size under its own path, then each element under {@code
   * <path>[<index>]}; a null one is added as null.
   *
   * @param type the list, collection or array type
   * @param array true for an array, false for a {@code java.util.Collection}
   * @param element the element, expanded
   */
  record Sequence(TypeMirror type, boolean array, Value element) implements Value {}
}
