package io.idempo.checker;

/**
 * Where a piece of state hangs from, seen from inside one method: the receiver, a parameter, a
 * static (global) place, or an object created during the call.
 *
 * <p>Summaries are written in these terms so that one summary serves every call site: at a call,
 * {@link Kind#THIS} becomes the root of the receiver expression and {@link Kind#PARAM} the root of
 * the argument. A mutation whose root becomes {@link Kind#FRESH} touches only an object made during
 * the call and is dropped.
 */
record Root(Kind kind, int index) {

  enum Kind {
    /** A field of {@code this}, or something reached from one. */
    THIS,
    /** Reached from parameter {@link #index()}. */
    PARAM,
    /** Static state, the database, or anything else that outlives every call. */
    GLOBAL,
    /** A local value or an object created during the call: not lasting. */
    FRESH
  }

  static final Root THIS = new Root(Kind.THIS, -1);
  static final Root GLOBAL = new Root(Kind.GLOBAL, -1);
  static final Root FRESH = new Root(Kind.FRESH, -1);

  static Root param(int index) {
    return new Root(Kind.PARAM, index);
  }

  boolean isLasting() {
    return kind != Kind.FRESH;
  }

  /** The less fresh of two roots: state that may be lasting is treated as lasting. */
  Root join(Root other) {
    return kind == Kind.FRESH ? other : this;
  }
}
