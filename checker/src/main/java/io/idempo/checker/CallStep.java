package io.idempo.checker;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.tools.javac.code.Symbol.MethodSymbol;

/** One call on the way from a summarized method down to a mutation. */
record CallStep(Tree callSite, CompilationUnitTree unit, MethodSymbol callee) {

  /** {@code OrderService.reserve}, as the message shows it. */
  String calleeName() {
    return callee.owner.getSimpleName() + "." + callee.getSimpleName();
  }
}
