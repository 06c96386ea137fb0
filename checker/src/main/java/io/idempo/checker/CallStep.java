package io.idempo.checker;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import org.jspecify.annotations.Nullable;

/**
 * One call on the way from a summarized method down to a mutation.
 *
 * @param callSite the call, when it is in this compilation; null for a step read from the summary
 *     of a class compiled earlier (another module)
 * @param calleeName {@code OrderService.reserve}, or {@code Orders.Reserver.reserve} for a nested
 *     class, as the message shows it
 */
record CallStep(@Nullable Tree callSite, @Nullable CompilationUnitTree unit, String calleeName) {

  static CallStep of(Tree callSite, CompilationUnitTree unit, MethodSymbol callee) {
    return new CallStep(callSite, unit, className(callee.owner) + "." + callee.getSimpleName());
  }

  /**
   * A class's name as its source reads it from the outermost class: {@code Orders.Reserver}, so
   * that two nested classes of the same name in different classes are told apart.
   */
  static String className(Symbol type) {
    StringBuilder name = new StringBuilder(type.getSimpleName());
    for (Symbol outer = type.owner; outer instanceof ClassSymbol; outer = outer.owner) {
      if (outer.getSimpleName().isEmpty()) {
        break; // inside an anonymous class: the names from here out say nothing more
      }
      name.insert(0, outer.getSimpleName() + ".");
    }
    return name.toString();
  }

  /** A step of a chain read from another module's summary. */
  static CallStep external(String calleeName) {
    return new CallStep(null, null, calleeName);
  }
}
