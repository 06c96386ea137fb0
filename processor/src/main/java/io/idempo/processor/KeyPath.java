package io.idempo.processor;

import java.util.List;
import javax.lang.model.type.TypeMirror;

/**
 * A key path resolved against the handler method's parameters: {@code event.customer.id} becomes
 * the parameter {@code event}, then {@code customer()}, then {@code id()}.
 *
 * @param text the key path as written, for example {@code event.customer.id}
 * @param steps the resolved steps; the first reads a parameter
 * @param form how the value at the end becomes the key string
 */
record KeyPath(String text, List<Step> steps, KeyForm form) {

  KeyPath {
    steps = List.copyOf(steps);
  }

  /** The step that yields the key's value. */
  Step last() {
    return steps.get(steps.size() - 1);
  }

  /** How one step reads its value from the previous one. */
  enum Access {
    /** The handler method's parameter itself. */
    PARAMETER,
    /** A no-argument method: a record accessor, a plain method or a getter. */
    METHOD,
    /** A field. */
    FIELD
  }

  /**
   * One step of a key path.
   *
   * @param path the key path up to and including this step, for example {@code event.customer}
   * @param segment the segment as written, for example {@code customer}
   * @param access how the value is read
   * @param member the parameter, method or field name to read
   * @param type the type of the value, as seen from the handler
   */
  record Step(String path, String segment, Access access, String member, TypeMirror type) {

    /** True if the value can be null, so the generated code must check it. */
    boolean nullable() {
      return !type.getKind().isPrimitive();
    }
  }

  /** How the value at the end of the path becomes a string. */
  enum KeyForm {
    /** A {@code String}: used as is. */
    STRING,
    /** Another {@code CharSequence}: {@code toString()}, its characters. */
    CHAR_SEQUENCE,
    /** A primitive: {@code String.valueOf}. */
    PRIMITIVE,
    /** An enum: {@code name()}, which unlike {@code toString()} cannot be overridden. */
    ENUM,
    /** A box, UUID, BigInteger, BigDecimal or java.time value: its {@code toString()}. */
    TO_STRING;

    /** True if the key can be blank, so the generated code must check it. */
    boolean canBeBlank() {
      return this == STRING || this == CHAR_SEQUENCE;
    }
  }
}
