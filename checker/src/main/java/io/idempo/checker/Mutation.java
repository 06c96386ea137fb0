package io.idempo.checker;

import com.google.common.collect.ImmutableList;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import org.jspecify.annotations.Nullable;

/**
 * A write to lasting state that depends on a read of the same state, found in the body of {@link
 * #method()} at {@link #tree()}, possibly several calls below the method it is listed for.
 *
 * @param root the state the write hangs from, relative to the method whose summary lists it
 * @param kind what sort of read-modify-write it is; selects the consequence and the remedy
 * @param what the write as the message shows it, e.g. {@code `total += …`}
 * @param chain the calls from the summarized method down to {@link #method()}; empty when the
 *     mutation is in the summarized method itself
 * @param tree where it is; null (with {@code unit} and {@code method}) when it was read from the
 *     summary of a class compiled earlier, another module
 * @param location {@code Customer.java:42}
 * @param guardedByParameter whether a test of a parameter's fields guards it: it stands only when a
 *     handler passes its message there
 */
record Mutation(
    Root root,
    Kind kind,
    String what,
    @Nullable Tree tree,
    @Nullable CompilationUnitTree unit,
    @Nullable MethodSymbol method,
    String location,
    ImmutableList<CallStep> chain,
    boolean guardedByParameter) {

  /** A mutation at {@code tree} in {@code unit}, in the body of {@code method}. */
  static Mutation at(
      Root root,
      Kind kind,
      String what,
      Tree tree,
      CompilationUnitTree unit,
      MethodSymbol method,
      boolean guardedByParameter) {
    return new Mutation(
        root, kind, what, tree, unit, method, locate(unit, tree), ImmutableList.of(),
        guardedByParameter);
  }

  enum Kind {
    ADD("adds again"),
    SUBTRACT("subtracts again"),
    INCREMENT("increments again"),
    DECREMENT("decrements again"),
    SCALE("scales again"),
    TOGGLE("flips again"),
    UPDATE("changes again"),
    APPEND("appends a duplicate"),
    SQL("changes the row again"),
    DECLARED("is declared non-idempotent and runs again");

    private final String consequence;

    Kind(String consequence) {
      this.consequence = consequence;
    }

    String consequence() {
      return consequence;
    }

    /** What to do instead, fitted to the sort of state the write changes. */
    String remedy() {
      return switch (this) {
        case INCREMENT, DECREMENT ->
            "count distinct messages instead (a Set or a unique-key insert of the message id), or"
                + " count only under a dedup check";
        case ADD, SUBTRACT ->
            "record the amount keyed by the message (a ledger row per message id, summed on read),"
                + " or apply it in the same step as a state transition (status NEW → PAID)";
        case APPEND ->
            "key the entry by the message (a Set or a Map keyed by its id) or guard it with a"
                + " dedup check";
        case SQL ->
            "make the statement keyed by the message: INSERT … ON CONFLICT (event_id) DO NOTHING"
                + " into a ledger, or UPDATE … SET status = 'DONE', … WHERE id = ? AND status ="
                + " 'NEW'";
        case DECLARED ->
            "run it once per message (an outbox row keyed by the message id)";
        default ->
            "record the effect keyed by the message (a state transition or a natural-key upsert)"
                + " instead";
      };
    }
  }

  /**
   * The same mutation seen one call further up, with its root translated to the caller and its
   * parameter guard still pending or settled.
   */
  Mutation calledFrom(CallStep step, Root callerRoot, boolean stillGuardedByParameter) {
    return new Mutation(
        callerRoot,
        kind,
        what,
        tree,
        unit,
        method,
        location,
        ImmutableList.<CallStep>builder().add(step).addAll(chain).build(),
        stillGuardedByParameter);
  }

  /** The same mutation, guarded by a test of a parameter of the method whose summary lists it. */
  Mutation withGuardedByParameter() {
    return new Mutation(root, kind, what, tree, unit, method, location, chain, true);
  }

  /** {@code Customer.java:42}. */
  private static String locate(CompilationUnitTree unit, Tree tree) {
    String file = unit.getSourceFile().getName();
    int slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
    long line = unit.getLineMap().getLineNumber(ASTHelpers.getStartPosition(tree));
    return file.substring(slash + 1) + ":" + line;
  }
}
