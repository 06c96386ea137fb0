package io.idempo.checker;

import static com.google.errorprone.util.ASTHelpers.getSymbol;

import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.UnaryTree;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a value written to a place is its old value pushed further: whether {@code
 * value} reads {@code key} through at least one accumulating step ({@code +}, {@code -}, {@code
 * *}, {@code ^}, {@code !}, {@code BigDecimal.add}, {@code Money.add}, {@code plusDays}, …), also
 * through local temporaries.
 *
 * <p>Reads that pass only through idempotent steps do not count: {@code Math.max(x, v)} and {@code
 * x.trim()} give the same result when applied twice, and a read inside a comparison ({@code x == null
 * ? v : x}) only selects.
 */
final class Derivation {

  private static final int MAX_LOCAL_HOPS = 8;

  private final LastingState lasting;

  Derivation(LastingState lasting) {
    this.lasting = lasting;
  }

  /** Whether {@code value} is {@code key}'s old value combined with something. */
  boolean accumulates(ExpressionTree value, String key) {
    return scan(value, key, false, new HashSet<>());
  }

  /** Whether {@code value} reads {@code key} at all (through any step). */
  boolean reads(ExpressionTree value, String key) {
    return scan(value, key, true, new HashSet<>());
  }

  private boolean scan(
      @Nullable ExpressionTree tree, String key, boolean accumulated, Set<Symbol> visited) {
    if (tree == null) {
      return false;
    }
    ExpressionTree e = LastingState.strip(tree);
    String here = lasting.key(e);
    if (here != null && here.equals(key)) {
      return accumulated;
    }
    switch (e.getKind()) {
      case PLUS, MINUS, MULTIPLY, DIVIDE, LEFT_SHIFT, RIGHT_SHIFT, UNSIGNED_RIGHT_SHIFT, XOR -> {
        BinaryTree binary = (BinaryTree) e;
        return scan(binary.getLeftOperand(), key, true, visited)
            || scan(binary.getRightOperand(), key, true, visited);
      }
      case AND, OR, REMAINDER, CONDITIONAL_AND, CONDITIONAL_OR -> {
        BinaryTree binary = (BinaryTree) e;
        return scan(binary.getLeftOperand(), key, accumulated, visited)
            || scan(binary.getRightOperand(), key, accumulated, visited);
      }
      case UNARY_MINUS,
          BITWISE_COMPLEMENT,
          LOGICAL_COMPLEMENT,
          PREFIX_INCREMENT,
          PREFIX_DECREMENT,
          POSTFIX_INCREMENT,
          POSTFIX_DECREMENT -> {
        return scan(((UnaryTree) e).getExpression(), key, true, visited);
      }
      case UNARY_PLUS -> {
        return scan(((UnaryTree) e).getExpression(), key, accumulated, visited);
      }
      case CONDITIONAL_EXPRESSION -> {
        ConditionalExpressionTree conditional = (ConditionalExpressionTree) e;
        return scan(conditional.getTrueExpression(), key, accumulated, visited)
            || scan(conditional.getFalseExpression(), key, accumulated, visited);
      }
      case METHOD_INVOCATION -> {
        return scanInvocation((MethodInvocationTree) e, key, accumulated, visited);
      }
      case NEW_CLASS -> {
        for (ExpressionTree argument : ((NewClassTree) e).getArguments()) {
          if (scan(argument, key, accumulated, visited)) {
            return true;
          }
        }
        return false;
      }
      case IDENTIFIER -> {
        Symbol symbol = getSymbol((IdentifierTree) e);
        if (!lasting.isLocal(symbol) || visited.size() > MAX_LOCAL_HOPS || !visited.add(symbol)) {
          return false;
        }
        boolean throughLocal = accumulated || lasting.isAccumulatedLocal(symbol);
        for (ExpressionTree source : lasting.valueSources(symbol)) {
          if (scan(source, key, throughLocal, visited)) {
            return true;
          }
        }
        return false;
      }
      default -> {
        return false;
      }
    }
  }

  private boolean scanInvocation(
      MethodInvocationTree invocation, String key, boolean accumulated, Set<Symbol> visited) {
    MethodSymbol callee = getSymbol(invocation);
    String name = callee.getSimpleName().toString();
    boolean next = accumulated || Vocabulary.isAccumulating(name);
    if (Vocabulary.isMonotone(name)) {
      next = accumulated;
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(invocation);
    if (receiver != null && scan(receiver, key, next, visited)) {
      return true;
    }
    for (ExpressionTree argument : invocation.getArguments()) {
      if (scan(argument, key, next, visited)) {
        return true;
      }
    }
    return false;
  }
}
