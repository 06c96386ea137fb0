package io.idempo.checker;

import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Type;

/**
 * Whether a tree holds code javac could not attribute. Error Prone does not run checks on such code
 * in a build, but tools that run the check on partly resolved sources (an IDE, the evaluation
 * harness in {@code checker/eval}) do, and the check skips it there instead of failing.
 */
final class Erroneous {

  private Erroneous() {}

  static boolean contains(Tree tree) {
    Boolean found =
        new TreeScanner<Boolean, Void>() {
          @Override
          public Boolean scan(Tree node, Void unused) {
            if (node == null) {
              return false;
            }
            Type type = ASTHelpers.getType(node);
            if (type != null && type.isErroneous()) {
              return true;
            }
            return Boolean.TRUE.equals(super.scan(node, null));
          }

          @Override
          public Boolean reduce(Boolean a, Boolean b) {
            return Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b);
          }
        }.scan(tree, null);
    return Boolean.TRUE.equals(found);
  }
}
