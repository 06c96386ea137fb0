package io.idempo.checker;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import org.jspecify.annotations.Nullable;

/**
 * One call on the way from a summarized method down to a mutation.
 *
 * @param callSite the call, when it is in this compilation; null for a step read from the summary
 *     of a class compiled earlier (another module)
 * @param calleeName {@code OrderService.reserve}, as the message shows it
 */
record CallStep(@Nullable Tree callSite, @Nullable CompilationUnitTree unit, String calleeName) {

  static CallStep of(Tree callSite, CompilationUnitTree unit, MethodSymbol callee) {
    return new CallStep(callSite, unit, callee.owner.getSimpleName() + "." + callee.getSimpleName());
  }

  /** A step of a chain read from another module's summary. */
  static CallStep external(String calleeName) {
    return new CallStep(null, null, calleeName);
  }
}
