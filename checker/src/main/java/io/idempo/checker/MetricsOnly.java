package io.idempo.checker;

import static com.google.errorprone.util.ASTHelpers.getSymbol;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.api.JavacTrees;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import java.util.HashMap;
import java.util.Map;
import javax.lang.model.element.ElementKind;

/**
 * Decides whether a counter field is a process-local metric: a private atomic or adder whose every
 * use in its class moves it or reads it only into a log line or a metrics API ({@code
 * log.info("handled {}", handled.incrementAndGet())}, {@code registry.gauge("lag", lag)}). A
 * duplicate delivery counted twice in such a field changes no business state, so the check does not
 * report it unless {@code ReportMetrics=true}. A counter read anywhere else (returned, compared,
 * stored) is business state and stays reported.
 */
final class MetricsOnly {

  private final VisitorState state;
  private final JavacTrees trees;
  private final Map<VarSymbol, Boolean> verdicts = new HashMap<>();

  MetricsOnly(VisitorState state) {
    this.state = state;
    this.trees = JavacTrees.instance(state.context);
  }

  /** Whether the call's receiver is a field that only feeds logs and metrics. */
  boolean isMetric(ExpressionTree receiver) {
    Symbol symbol = getSymbol(LastingState.strip(receiver));
    if (!(symbol instanceof VarSymbol field)
        || field.getKind() != ElementKind.FIELD
        || (field.flags() & Flags.PRIVATE) == 0
        || !(field.owner instanceof ClassSymbol owner)) {
      return false;
    }
    return verdicts.computeIfAbsent(field, f -> onlyMetrics(f, owner));
  }

  private boolean onlyMetrics(VarSymbol field, ClassSymbol owner) {
    TreePath classPath = trees.getPath(ASTHelpers.outermostClass(owner));
    if (classPath == null) {
      return false;
    }
    boolean[] business = {false};
    boolean[] observed = {false};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree tree, Void unused) {
        check(tree);
        return null;
      }

      @Override
      public Void visitMemberSelect(MemberSelectTree tree, Void unused) {
        check(tree);
        return super.visitMemberSelect(tree, null);
      }

      private void check(ExpressionTree tree) {
        if (business[0] || getSymbol(tree) != field) {
          return;
        }
        Use use = use(getCurrentPath());
        business[0] = use == Use.OTHER;
        observed[0] |= use == Use.OBSERVED;
      }

      @Override
      public Void visitClass(ClassTree tree, Void unused) {
        return super.visitClass(tree, null);
      }
    }.scan(classPath, null);
    // A counter nobody reads is no metric either: it may be read by reflection, JMX or a test.
    return !business[0] && observed[0];
  }

  private enum Use {
    /** Moves the counter, result unused. */
    MOVED,
    /** Reads it into a log line or a meter. */
    OBSERVED,
    /** Anything else: the value matters to the program. */
    OTHER
  }

  /** How a use of the field treats it. */
  private Use use(TreePath use) {
    TreePath parent = use.getParentPath();
    Tree leaf = use.getLeaf();
    if (parent.getLeaf() instanceof MemberSelectTree select
        && select.getExpression() == leaf
        && parent.getParentPath().getLeaf() instanceof MethodInvocationTree call) {
      String name = getSymbol(call).getSimpleName().toString();
      TreePath callPath = parent.getParentPath();
      if (Vocabulary.isCounterMethod(name)
          || Vocabulary.UPDATE_METHODS.contains(name)
          || name.equals("set")
          || name.equals("lazySet")
          || name.equals("reset")) {
        if (callPath.getParentPath().getLeaf() instanceof ExpressionStatementTree) {
          return Use.MOVED;
        }
      }
      return observed(callPath);
    }
    if (parent.getLeaf() instanceof MemberReferenceTree) {
      return observed(parent);
    }
    return observed(use);
  }

  private Use observed(TreePath path) {
    return feedsLogOrMetric(path) ? Use.OBSERVED : Use.OTHER;
  }

  /** Whether a statement does nothing but log or record metrics. */
  private boolean onlyLogs(StatementTree statement) {
    if (statement instanceof BlockTree block) {
      for (StatementTree inner : block.getStatements()) {
        if (!onlyLogs(inner)) {
          return false;
        }
      }
      return true;
    }
    return statement instanceof ExpressionStatementTree expression
        && expression.getExpression() instanceof MethodInvocationTree call
        && Vocabulary.isLogOrMetricCall(call, state);
  }

  /**
   * Whether the value at {@code path} is (part of) an argument of a logging or metrics call: a
   * logger method, {@code System.out.println}, a Micrometer {@code gauge}, …
   */
  private boolean feedsLogOrMetric(TreePath path) {
    TreePath current = path;
    while (current.getParentPath() != null) {
      Tree parent = current.getParentPath().getLeaf();
      if (parent instanceof MethodInvocationTree call
          && call.getArguments().contains(current.getLeaf())) {
        return Vocabulary.isLogOrMetricCall(call, state);
      }
      if (parent instanceof IfTree ifTree && ifTree.getCondition() == current.getLeaf()) {
        // if (seen.incrementAndGet() % 1000 == 0) log.info(…): the value only decides to log.
        return onlyLogs(ifTree.getThenStatement())
            && (ifTree.getElseStatement() == null || onlyLogs(ifTree.getElseStatement()));
      }
      if (!(parent instanceof BinaryTree
          || parent instanceof ParenthesizedTree
          || parent instanceof TypeCastTree
          || (parent instanceof MethodInvocationTree inner
              && ASTHelpers.getReceiver(inner) == current.getLeaf()))) {
        return false;
      }
      current = current.getParentPath();
    }
    return false;
  }
}
