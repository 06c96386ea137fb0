package io.idempo.processor;

import java.util.List;
import java.util.Optional;
import javax.lang.model.type.TypeMirror;

/**
 * A key path resolved against the handler method's parameters: {@code event.customer.id} becomes
 * the parameter {@code event}, then {@code customer()}, then {@code id()}. A batch key path such as
 * {@code events[*].paymentId} becomes the parameter {@code events}, then each of its elements, then
 * {@code paymentId()}: one key per message.
 *
 * @param text the key path as written, for example {@code event.customer.id}
 * @param steps the resolved steps; the first reads a parameter, and in a batch key path the second
 *     is its {@link Access#ELEMENT element}
 * @param form how the value at the end becomes the key string
 * @param batch the kind of batch parameter, empty for a key path into a single message
 */
record KeyPath(String text, List<Step> steps, KeyForm form, Optional<Batch> batch) {

  KeyPath {
    steps = List.copyOf(steps);
  }

  /** The step that yields the key's value. */
  Step last() {
    return steps.get(steps.size() - 1);
  }

  /** What a batch parameter is, which decides how the wrapper passes on the new messages. */
  enum Batch {
    /** A {@code java.util.List}: the new messages are passed as a list. */
    LIST,
    /** A {@code java.util.Collection}: the new messages are passed as a list. */
    COLLECTION,
    /** An array (or varargs): the new messages are passed as an array of the same type. */
    ARRAY
  }

  /** How one step reads its value from the previous one. */
  enum Access {
    /** The handler method's parameter itself. */
    PARAMETER,
    /** A no-argument method: a record accessor, a plain method or a getter. */
    METHOD,
    /** A field. */
    FIELD,
    /** Each element of a batch parameter in turn, written {@code [*]}. */
    ELEMENT
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
