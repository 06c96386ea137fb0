package io.idempo.checker;

import static com.google.errorprone.util.ASTHelpers.getSymbol;

import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.CatchTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ContinueTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.api.JavacTrees;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.tree.JCTree.JCExpression;
import com.sun.tools.javac.tree.JCTree.JCMethodInvocation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Recognises guarded updates, the idempotent state transition of the concept note: a mutation that
 * runs only when a test of some state passes, where the same region moves that state on, so that a
 * second run fails the test.
 *
 * <ul>
 *   <li>{@code if (order.getStatus() == NEW) { order.setStatus(PAID); balance -= p; }}
 *   <li>{@code if (!repo.existsByEventId(id)) { …; repo.save(new ProcessedEvent(id)); }}
 *   <li>early exits: {@code if (seen.contains(id)) return; … seen.add(id);}
 *   <li>claims in the condition itself: {@code if (processed.add(id)) { … }}, {@code
 *       putIfAbsent}, {@code compareAndSet}.
 * </ul>
 *
 * <p>The move must itself be idempotent: {@code if (stock >= q) stock -= q;} tests {@code stock}
 * and writes it, but by read-modify-write, so it is no guard.
 */
final class GuardAnalyzer {

  private static final int MAX_LOCAL_HOPS = 4;

  private final LastingState lasting;
  private final Derivation derivation;
  private final Function<MethodInvocationTree, Set<String>> callWrites;
  private final boolean messageParameters;
  private boolean trustParameters;

  /**
   * @param callWrites the keys a call writes plainly, from the callee's summary (empty when the
   *     callee's source is not available)
   * @param messageParameters whether the method is a handler, whose parameters are the message
   */
  GuardAnalyzer(
      LastingState lasting,
      Derivation derivation,
      Function<MethodInvocationTree, Set<String>> callWrites,
      boolean messageParameters) {
    this.lasting = lasting;
    this.derivation = derivation;
    this.callWrites = callWrites;
    this.messageParameters = messageParameters;
  }

  /** How a statement is guarded. */
  enum Guard {
    /** It runs whenever its block does. */
    NONE,
    /** A test of lasting state that the region moves on. */
    GUARDED,
    /**
     * A test of a parameter's fields (this method is no handler): a guard when the caller passes
     * lasting state, none when it passes the message (a redelivery carries the same fields).
     */
    BY_PARAMETER
  }

  /** How the statement or expression at {@code path} is guarded. */
  Guard guard(TreePath path) {
    trustParameters = false;
    if (isGuarded(path)) {
      return Guard.GUARDED;
    }
    if (messageParameters) {
      return Guard.NONE;
    }
    trustParameters = true;
    try {
      return isGuarded(path) ? Guard.BY_PARAMETER : Guard.NONE;
    } finally {
      trustParameters = false;
    }
  }

  /** Whether the statement or expression at {@code path} runs only under a guard. */
  private boolean isGuarded(TreePath path) {
    TreePath current = path;
    while (current.getParentPath() != null) {
      Tree child = current.getLeaf();
      Tree parent = current.getParentPath().getLeaf();
      if (parent instanceof MethodTree || parent instanceof ClassTree) {
        return false;
      }
      if (parent instanceof IfTree ifTree) {
        if (child == ifTree.getThenStatement() && claims(ifTree.getCondition())) {
          return true;
        }
        if (child == ifTree.getThenStatement() || child == ifTree.getElseStatement()) {
          Set<String> keys = testedKeys(ifTree.getCondition());
          if (!keys.isEmpty() && moves(child, keys)) {
            return true;
          }
        }
      }
      if (parent instanceof CatchTree catchTree
          && child == catchTree.getBlock()
          && rethrows(catchTree.getBlock())) {
        // A compensation: it runs when the delivery fails, and the failure makes the broker
        // redeliver, so it undoes this attempt's own work rather than repeating a write.
        return true;
      }
      List<? extends StatementTree> statements = null;
      if (parent instanceof BlockTree block) {
        statements = block.getStatements();
      } else if (parent instanceof CaseTree caseTree) {
        statements = caseTree.getStatements();
      }
      if (statements != null && earlyExitGuards(statements, child)) {
        return true;
      }
      current = current.getParentPath();
    }
    return false;
  }

  /**
   * Whether the place was reset earlier in the same call, which makes it a per-call value: {@code
   * batchTotal = 0; … batchTotal += x;}, {@code buffer.clear(); … buffer.add(x);}.
   */
  boolean isResetBefore(TreePath path, String key) {
    if (key.equals("this") || (key.indexOf('.') < 0 && key.indexOf('[') < 0)) {
      return false;
    }
    TreePath current = path;
    while (current.getParentPath() != null) {
      Tree child = current.getLeaf();
      Tree parent = current.getParentPath().getLeaf();
      if (parent instanceof MethodTree || parent instanceof ClassTree) {
        return false;
      }
      if (parent instanceof BlockTree block) {
        List<? extends StatementTree> statements = block.getStatements();
        int index = statements.indexOf(child);
        for (int i = 0; i < index; i++) {
          if (statements.get(i) instanceof ExpressionStatementTree statement
              && resets(statement.getExpression(), key)) {
            return true;
          }
        }
      }
      current = current.getParentPath();
    }
    return false;
  }

  private boolean resets(ExpressionTree expression, String key) {
    if (expression instanceof AssignmentTree assignment) {
      return key.equals(lasting.key(assignment.getVariable()))
          && !derivation.reads(assignment.getExpression(), key);
    }
    if (!(expression instanceof MethodInvocationTree invocation)) {
      return false;
    }
    String receiver = lasting.receiverKey(invocation);
    if (receiver == null) {
      return false;
    }
    MethodSymbol callee = getSymbol(invocation);
    String name = callee.getSimpleName().toString();
    String property = Vocabulary.setterProperty(callee);
    if (property != null) {
      return key.equals(receiver + "." + property)
          && !derivation.reads(invocation.getArguments().get(0), key);
    }
    return key.equals(receiver)
        && (name.equals("clear") || name.equals("reset") || name.equals("sumThenReset")
            || (name.equals("set") && invocation.getArguments().size() == 1));
  }

  private boolean earlyExitGuards(List<? extends StatementTree> statements, Tree child) {
    int index = statements.indexOf(child);
    for (int i = 0; i < index; i++) {
      StatementTree statement = statements.get(i);
      if (claimsFirst(statement)) {
        return true;
      }
      if (!(statement instanceof IfTree guard)) {
        continue;
      }
      if (guard.getElseStatement() != null || !exits(guard.getThenStatement())) {
        continue;
      }
      if (claims(guard.getCondition())) {
        return true;
      }
      Set<String> keys = testedKeys(guard.getCondition());
      if (keys.isEmpty()) {
        continue;
      }
      for (int j = i + 1; j < statements.size(); j++) {
        if (moves(statements.get(j), keys)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * A claim written before the work, which fails on a duplicate: an insert into a dedup table or
   * repository ({@code processed_events}, {@code inboxRepository.insert(…)}), alone or in a {@code
   * try} whose {@code catch} leaves.
   */
  private boolean claimsFirst(StatementTree statement) {
    if (statement instanceof TryTree tryTree) {
      boolean leaves = !tryTree.getCatches().isEmpty();
      for (CatchTree catchTree : tryTree.getCatches()) {
        leaves &= exits(catchTree.getBlock());
      }
      return leaves && insertsClaim(tryTree.getBlock(), true);
    }
    return insertsClaim(statement, false);
  }

  private boolean insertsClaim(Tree region, boolean anyInsert) {
    boolean[] found = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree tree, Void unused) {
        String name = getSymbol(tree).getSimpleName().toString();
        for (ExpressionTree argument : tree.getArguments()) {
          String sql = ASTHelpers.constValue(argument, String.class);
          if (sql != null && isDedupInsert(sql, anyInsert)) {
            found[0] = true;
          }
        }
        ExpressionTree receiver = ASTHelpers.getReceiver(tree);
        if (receiver != null && isInsertName(name, anyInsert)) {
          String target = MethodBodyAnalyzer.describe(receiver).toLowerCase(java.util.Locale.ROOT);
          if (anyInsert || Vocabulary.isDedupName(target)) {
            found[0] = true;
          }
        }
        return super.visitMethodInvocation(tree, null);
      }

      @Override
      public Void visitLambdaExpression(LambdaExpressionTree tree, Void unused) {
        return null;
      }

      @Override
      public Void visitClass(ClassTree tree, Void unused) {
        return null;
      }
    }.scan(region, null);
    return found[0];
  }

  private static boolean isInsertName(String name, boolean anyInsert) {
    return name.startsWith("insert")
        || name.startsWith("persist")
        || name.equals("saveAndFlush")
        || name.startsWith("claim")
        || (anyInsert && (name.startsWith("save") || name.startsWith("create")));
  }

  private static boolean isDedupInsert(String sql, boolean anyInsert) {
    String table = Vocabulary.failingInsertTable(sql);
    return table != null && (anyInsert || Vocabulary.isDedupName(table));
  }

  private static boolean rethrows(BlockTree block) {
    List<? extends StatementTree> body = block.getStatements();
    return !body.isEmpty() && body.get(body.size() - 1) instanceof ThrowTree;
  }

  /**
   * What a call to a boolean helper of the compilation tests: the expressions its body returns,
   * a returned local standing for its initializer ({@code private boolean isDuplicate(String id) {
   * boolean exists = processed.existsByEventId(id); if (exists) log(id); return exists; }}); empty
   * for any other call.
   */
  private List<ExpressionTree> helperTests(MethodInvocationTree call, Set<Symbol> visited) {
    MethodSymbol callee = getSymbol(call);
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    if (callee == null
        || !isBoolean(callee)
        || !(receiver == null || isThis(receiver))
        || visited.size() >= MAX_LOCAL_HOPS) {
      return List.of();
    }
    MethodTree helper = JavacTrees.instance(lasting.state().context).getTree(callee);
    if (helper == null || helper.getBody() == null || !visited.add(callee)) {
      return List.of();
    }
    Map<Symbol, ExpressionTree> initializers = new HashMap<>();
    List<ExpressionTree> returned = new ArrayList<>();
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree variable, Void unused) {
        if (variable.getInitializer() != null) {
          initializers.put(getSymbol(variable), variable.getInitializer());
        }
        return super.visitVariable(variable, null);
      }

      @Override
      public Void visitReturn(ReturnTree ret, Void unused) {
        if (ret.getExpression() != null) {
          returned.add(ret.getExpression());
        }
        return null;
      }

      @Override
      public Void visitLambdaExpression(LambdaExpressionTree lambda, Void unused) {
        return null;
      }

      @Override
      public Void visitClass(ClassTree type, Void unused) {
        return null;
      }
    }.scan(helper.getBody(), null);
    List<ExpressionTree> tests = new ArrayList<>(returned.size());
    for (ExpressionTree expression : returned) {
      ExpressionTree initializer =
          LastingState.strip(expression) instanceof IdentifierTree identifier
              ? initializers.get(getSymbol(identifier))
              : null;
      tests.add(initializer != null ? initializer : expression);
    }
    return tests;
  }

  private static boolean isThis(ExpressionTree receiver) {
    return receiver instanceof IdentifierTree identifier
        && identifier.getName().contentEquals("this");
  }

  private static boolean exits(StatementTree statement) {
    StatementTree last = statement;
    if (statement instanceof BlockTree block) {
      List<? extends StatementTree> body = block.getStatements();
      if (body.isEmpty()) {
        return false;
      }
      last = body.get(body.size() - 1);
    }
    return last instanceof ReturnTree
        || last instanceof ThrowTree
        || last instanceof ContinueTree
        || last instanceof BreakTree;
  }

  /**
   * Whether the condition performs an idempotent claim itself ({@code processed.add(id)}), also
   * through a local that holds the claim's result ({@code Boolean first = ops.setIfAbsent(…)}).
   */
  boolean claims(ExpressionTree condition) {
    return claims(condition, new HashSet<>());
  }

  private boolean claims(ExpressionTree condition, Set<Symbol> visited) {
    boolean[] found = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree tree, Void unused) {
        if (isClaim(tree)) {
          found[0] = true;
        }
        for (ExpressionTree helperTest : helperTests(tree, visited)) {
          if (claims(helperTest, visited)) {
            found[0] = true;
          }
        }
        return super.visitMethodInvocation(tree, null);
      }

      @Override
      public Void visitIdentifier(IdentifierTree tree, Void unused) {
        Symbol symbol = getSymbol(tree);
        if (lasting.isLocal(symbol) && visited.size() < MAX_LOCAL_HOPS && visited.add(symbol)) {
          for (ExpressionTree source : lasting.valueSources(symbol)) {
            if (claims(source, visited)) {
              found[0] = true;
            }
          }
        }
        return null;
      }

      @Override
      public Void visitLambdaExpression(LambdaExpressionTree tree, Void unused) {
        return null;
      }
    }.scan(condition, null);
    return found[0];
  }

  private boolean isClaim(MethodInvocationTree tree) {
    MethodSymbol callee = getSymbol(tree);
    String name = callee.getSimpleName().toString();
    if (!lasting.receiverRoot(tree).isLasting()) {
      return false;
    }
    if (name.equals("add") && tree.getArguments().size() == 1) {
      return Vocabulary.isSet(ASTHelpers.getReceiverType(tree), lasting.state())
          || (!Vocabulary.isAppendable(ASTHelpers.getReceiverType(tree), lasting.state())
              && !Vocabulary.isCounter(ASTHelpers.getReceiverType(tree), lasting.state())
              && isBoolean(callee));
    }
    return Vocabulary.isClaim(name);
  }

  private static boolean isBoolean(MethodSymbol callee) {
    String type = callee.getReturnType().toString();
    return type.equals("boolean") || type.equals("java.lang.Boolean");
  }

  /** The places a condition reads: properties, fields, and the receivers of lookups. */
  Set<String> testedKeys(ExpressionTree condition) {
    Set<String> keys = new HashSet<>();
    collectTested(condition, keys, new HashSet<>());
    keys.remove("this");
    if (!trustParameters) {
      // A handler's parameters are the message: a redelivery arrives with the same fields, so a
      // test of them (order.getStatus() == NEW) passes again and guards nothing. In other methods
      // such a test guards only if the caller passes lasting state (see Guard.BY_PARAMETER).
      keys.removeIf(LastingState::isParameterKey);
    }
    return keys;
  }

  private void collectTested(ExpressionTree condition, Set<String> keys, Set<Symbol> visited) {
    new TreeScanner<Void, Void>() {
      @Override
      public Void scan(Tree tree, Void unused) {
        // Class tests rather than interface tests, as in MethodBodyAnalyzer's scan.
        if (tree instanceof JCMethodInvocation invocation
            && ASTHelpers.getReceiver(invocation) == null
            && !ASTHelpers.isStatic(getSymbol(invocation))) {
          keys.add("this#" + stem(getSymbol(invocation).getSimpleName().toString()));
        }
        if (tree instanceof JCExpression expression) {
          String key = lasting.key(expression);
          if (key != null) {
            // A bare parameter or local ("event != null") names no state of its own.
            if (key.indexOf('.') >= 0 || key.indexOf('[') >= 0) {
              keys.add(key);
            }
            if (!(LastingState.strip(expression) instanceof IdentifierTree)) {
              return null;
            }
          }
        }
        return super.scan(tree, null);
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree tree, Void unused) {
        String name = getSymbol(tree).getSimpleName().toString();
        if (ASTHelpers.getReceiver(tree) != null
            && (!tree.getArguments().isEmpty() || Vocabulary.isQuery(name))) {
          String receiver = lasting.receiverKey(tree);
          if (receiver != null) {
            keys.add(receiver);
          }
        }
        // Its receiver is this object, so the fields a helper reads are the caller's fields too.
        for (ExpressionTree helperTest : helperTests(tree, visited)) {
          collectTested(helperTest, keys, visited);
        }
        return super.visitMethodInvocation(tree, null);
      }

      @Override
      public Void visitIdentifier(IdentifierTree tree, Void unused) {
        Symbol symbol = getSymbol(tree);
        if (lasting.isLocal(symbol) && visited.size() < MAX_LOCAL_HOPS && visited.add(symbol)) {
          for (ExpressionTree source : lasting.valueSources(symbol)) {
            collectTested(source, keys, visited);
          }
        }
        return null;
      }

      @Override
      public Void visitLambdaExpression(LambdaExpressionTree tree, Void unused) {
        return null;
      }
    }.scan(condition, null);
  }

  /** Whether {@code region} moves one of {@code keys} on with an idempotent write. */
  boolean moves(Tree region, Set<String> keys) {
    boolean[] found = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitAssignment(AssignmentTree tree, Void unused) {
        String key = lasting.key(tree.getVariable());
        if (key != null && keys.contains(key) && !derivation.accumulates(tree.getExpression(), key)) {
          found[0] = true;
        }
        return super.visitAssignment(tree, null);
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree tree, Void unused) {
        if (movesWith(tree, keys)) {
          found[0] = true;
        }
        return super.visitMethodInvocation(tree, null);
      }

      @Override
      public Void visitClass(ClassTree tree, Void unused) {
        return null;
      }
    }.scan(region, null);
    return found[0];
  }

  private boolean movesWith(MethodInvocationTree tree, Set<String> keys) {
    MethodSymbol callee = getSymbol(tree);
    String name = callee.getSimpleName().toString();
    if (Vocabulary.isQuery(name) || isAccumulatingCall(tree, name)) {
      return false;
    }
    for (String written : callWrites.apply(tree)) {
      // A hand-written setter fed by the tested state (c.setAvailable(c.getAvailable() - n))
      // writes it by read-modify-write: no move.
      if (keys.contains(written) && !anyArgumentAccumulates(tree, written)) {
        return true;
      }
    }
    if (ASTHelpers.getReceiver(tree) == null && !ASTHelpers.isStatic(callee)) {
      if (keys.contains("this#" + stem(name))) {
        return true;
      }
    }
    String receiver = lasting.receiverKey(tree);
    if (receiver == null) {
      return false;
    }
    String property = Vocabulary.setterProperty(callee);
    if (property != null) {
      String key = receiver + "." + property;
      return keys.contains(key) && !derivation.accumulates(tree.getArguments().get(0), key);
    }
    if ((name.equals("put") || name.equals("set")) && tree.getArguments().size() == 2) {
      return keys.contains(receiver)
          && !derivation.accumulates(tree.getArguments().get(1), receiver + "[]");
    }
    if (!receiver.equals("this") && keys.contains(receiver)) {
      // repo.save(x) after a lookup on repo moves the tested state only if it stores something
      // new (a processed-event row); saving back the entity the lookup loaded is the
      // load–check–modify–save, whose presence test a redelivery passes again.
      return !anyArgumentReads(tree, receiver);
    }
    if (Vocabulary.isTransition(name)) {
      for (String key : keys) {
        if (key.startsWith(receiver + ".")) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean anyArgumentAccumulates(MethodInvocationTree tree, String key) {
    for (ExpressionTree argument : tree.getArguments()) {
      if (derivation.accumulates(argument, key)) {
        return true;
      }
    }
    return false;
  }

  private boolean anyArgumentReads(MethodInvocationTree tree, String key) {
    for (ExpressionTree argument : tree.getArguments()) {
      if (derivation.reads(argument, key)) {
        return true;
      }
    }
    return false;
  }

  private boolean isAccumulatingCall(MethodInvocationTree tree, String name) {
    if (Vocabulary.isCounter(ASTHelpers.getReceiverType(tree), lasting.state())
        && Vocabulary.isCounterMethod(name)) {
      return true;
    }
    return Vocabulary.UPDATE_METHODS.contains(name)
        || name.equals("merge")
        || name.equals("compute")
        || name.equals("computeIfPresent");
  }

  /** {@code isProcessed}, {@code markProcessed}, {@code markAsProcessed} → {@code processed}. */
  static String stem(String name) {
    int i = 0;
    while (i < name.length() && Character.isLowerCase(name.charAt(i))) {
      i++;
    }
    String rest = i == name.length() ? name : name.substring(i);
    for (String filler : new String[] {"Already", "Been", "As"}) {
      if (rest.startsWith(filler) && rest.length() > filler.length()) {
        rest = rest.substring(filler.length());
      }
    }
    return rest.toLowerCase(java.util.Locale.ROOT);
  }
}
