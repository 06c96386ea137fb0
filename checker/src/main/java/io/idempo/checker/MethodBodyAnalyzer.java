package io.idempo.checker;

import static com.google.errorprone.util.ASTHelpers.getSymbol;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Attribute;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.tree.JCTree.JCMethodDecl;
import com.sun.tools.javac.tree.JCTree.JCStatement;
import com.sun.tools.javac.tree.JCTree.JCVariableDecl;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import org.jspecify.annotations.Nullable;

/**
 * Summarizes one method body: finds its read-modify-writes of lasting state, drops the guarded
 * ones, and folds in the summaries of the methods it calls (translated to this method's receiver
 * and arguments, and cut at the configured call depth).
 */
final class MethodBodyAnalyzer {

  private final MethodSummarizer summarizer;
  private final VisitorState state;
  private final LastingState lasting;
  private final Derivation derivation;
  private final GuardAnalyzer guards;
  private final CompilationUnitTree unit;
  private final MethodSymbol method;
  private final boolean handler;
  private final List<Mutation> mutations = new ArrayList<>();
  private final Set<Place> writes = new LinkedHashSet<>();

  private MethodBodyAnalyzer(MethodSummarizer summarizer, TreePath path, VisitorState state) {
    this.summarizer = summarizer;
    this.state = state;
    MethodTree tree = (MethodTree) path.getLeaf();
    this.method = getSymbol(tree);
    this.unit = path.getCompilationUnit();
    this.lasting = new LastingState(tree, method, state, this::returnedRoot);
    this.derivation = new Derivation(lasting);
    this.handler = summarizer.isHandler(method);
    this.guards = new GuardAnalyzer(lasting, derivation, this::callWrites, handler);
  }

  static MethodSummary analyze(
      MethodSummarizer summarizer, BugChecker checker, TreePath path, VisitorState state) {
    MethodBodyAnalyzer analyzer = new MethodBodyAnalyzer(summarizer, path, state);
    analyzer.scan(checker, path);
    return new MethodSummary(
        ImmutableList.copyOf(analyzer.mutations),
        ImmutableSet.copyOf(analyzer.writes),
        analyzer.returned((MethodTree) path.getLeaf()));
  }

  /** Where the values this method returns hang from; FRESH for void and for new objects. */
  private Root returned(MethodTree tree) {
    Root[] joined = {Root.FRESH};
    if (tree.getBody() == null || method.getReturnType().isPrimitiveOrVoid()) {
      return Root.FRESH;
    }
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitReturn(ReturnTree ret, Void unused) {
        if (ret.getExpression() != null) {
          try {
            joined[0] = joined[0].join(lasting.root(ret.getExpression()));
          } catch (IllegalArgumentException | NullPointerException e) {
            if (!Erroneous.contains(ret)) {
              throw e;
            }
          }
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
    }.scan(tree.getBody(), null);
    return joined[0];
  }

  /**
   * Where the value a call returns hangs from, from the summaries of the methods it can run,
   * translated to this method; null when none of them has a body here.
   */
  private @Nullable Root returnedRoot(MethodInvocationTree call) {
    MethodSymbol callee = getSymbol(call);
    if (summarizer.config().maxCallDepth() == 0 || declared(callee, true)) {
      return null;
    }
    Root joined = null;
    for (MethodSymbol target : summarizer.targets(callee)) {
      Root returned = summarizer.summarize(target).returned();
      if (returned != null) {
        Root here = translate(returned, call);
        joined = joined == null ? here : joined.join(here);
      }
    }
    return joined;
  }

  private void scan(BugChecker checker, TreePath path) {
    // Like BugChecker.SuppressibleTreePathScanner (which only subclasses of BugChecker can
    // create): a declaration suppressed with @SuppressWarnings("NonIdempotentMutation") is skipped.
    new TreePathScanner<Void, Void>() {
      @Override
      public Void scan(Tree tree, Void unused) {
        // Only annotated declarations carry @SuppressWarnings: asking every tree costs a lookup.
        if (isAnnotatedDeclaration(tree) && checker.isSuppressed(tree, state)) {
          return null;
        }
        // A class test, not `instanceof StatementTree`: on JDK 17 an interface test of every node
        // scans the node class's interfaces, a cost the profile of a compilation shows.
        if (!(tree instanceof JCStatement)) {
          return super.scan(tree, null);
        }
        try {
          return super.scan(tree, null);
        } catch (IllegalArgumentException | NullPointerException e) {
          // A statement javac could not attribute (a type missing from the class path) has no
          // symbols to reason about; anything else is a bug in the check and stays loud.
          if (Erroneous.contains(tree)) {
            return null;
          }
          throw e;
        }
      }

      @Override
      public Void visitClass(ClassTree tree, Void unused) {
        return null; // bodies of local and anonymous classes do not run as part of this call
      }

      @Override
      public Void visitCompoundAssignment(CompoundAssignmentTree tree, Void unused) {
        Mutation.Kind kind = compoundKind(tree.getKind());
        if (kind != null) {
          place(tree.getVariable(), getCurrentPath(), kind, describe(tree.getVariable()) + " " + operator(tree.getKind()) + " …");
        }
        return super.visitCompoundAssignment(tree, null);
      }

      @Override
      public Void visitUnary(UnaryTree tree, Void unused) {
        switch (tree.getKind()) {
          case PREFIX_INCREMENT -> {
            place(tree.getExpression(), getCurrentPath(), Mutation.Kind.INCREMENT, "++" + describe(tree.getExpression()));
          }
          case POSTFIX_INCREMENT -> {
            place(tree.getExpression(), getCurrentPath(), Mutation.Kind.INCREMENT, describe(tree.getExpression()) + "++");
          }
          case PREFIX_DECREMENT -> {
            place(tree.getExpression(), getCurrentPath(), Mutation.Kind.DECREMENT, "--" + describe(tree.getExpression()));
          }
          case POSTFIX_DECREMENT -> {
            place(tree.getExpression(), getCurrentPath(), Mutation.Kind.DECREMENT, describe(tree.getExpression()) + "--");
          }
          default -> {}
        }
        return super.visitUnary(tree, null);
      }

      @Override
      public Void visitAssignment(AssignmentTree tree, Void unused) {
        ExpressionTree target = LastingState.strip(tree.getVariable());
        if (isField(target) && lasting.root(target).isLasting()) {
          String key = lasting.key(target);
          if (key != null) {
            if (derivation.accumulates(tree.getExpression(), key)) {
              record(
                  getCurrentPath(),
                  lasting.root(target),
                  kindOfValue(tree.getExpression()),
                  describe(target) + " = …` computed from `" + describe(target));
            } else {
              addWrite(key);
            }
          }
        }
        return super.visitAssignment(tree, null);
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree tree, Void unused) {
        invocation(tree, getCurrentPath());
        return super.visitMethodInvocation(tree, null);
      }

      @Override
      public Void visitMemberReference(MemberReferenceTree tree, Void unused) {
        memberReference(tree, getCurrentPath());
        return super.visitMemberReference(tree, null);
      }
    }.scan(path, null);
  }

  private static boolean isAnnotatedDeclaration(@Nullable Tree tree) {
    // Class tests, asked of every node (see scan).
    if (tree instanceof JCVariableDecl variable) {
      return !variable.getModifiers().getAnnotations().isEmpty();
    }
    return tree instanceof JCMethodDecl method && !method.getModifiers().getAnnotations().isEmpty();
  }

  /** A compound assignment or increment of {@code target}: flagged when it is lasting state. */
  private void place(ExpressionTree target, TreePath path, Mutation.Kind kind, String what) {
    ExpressionTree e = LastingState.strip(target);
    if (!isField(e)) {
      return;
    }
    Root root = lasting.root(e);
    if (root.isLasting()) {
      record(path, root, kind, what);
    }
  }

  /** Fields, and elements of arrays, as opposed to locals and parameters. */
  private boolean isField(ExpressionTree target) {
    if (target instanceof ArrayAccessTree access) {
      ExpressionTree array = LastingState.strip(access.getExpression());
      return isField(array) || lasting.root(array).isLasting();
    }
    if (!(target instanceof IdentifierTree) && !(target instanceof MemberSelectTree)) {
      return false;
    }
    Symbol symbol = getSymbol(target);
    return symbol != null && symbol.getKind() == javax.lang.model.element.ElementKind.FIELD;
  }

  private void invocation(MethodInvocationTree tree, TreePath path) {
    MethodSymbol callee = getSymbol(tree);
    String name = summarizer.text(callee.getSimpleName());
    if (declared(callee, true)) {
      return;
    }
    if (declared(callee, false)) {
      record(path, lasting.receiverRoot(tree), Mutation.Kind.DECLARED,
          CallStep.className(callee.owner) + "." + name + call(tree.getArguments()));
      return;
    }
    sql(tree, callee, path);

    Root receiverRoot = lasting.receiverRoot(tree);
    Type receiverType = ASTHelpers.getReceiverType(tree);
    String property = Vocabulary.setterProperty(callee);
    boolean stateApiName = Vocabulary.isStateApiName(name);
    // The receiver's key is text built from the whole receiver: only for calls that may write.
    String receiverKey =
        receiverRoot.isLasting()
                && (property != null || stateApiName || Vocabulary.isWriteName(name))
            ? lasting.receiverKey(tree)
            : null;
    if (property != null && receiverKey != null) {
      String key = receiverKey + "." + property;
      ExpressionTree value = tree.getArguments().get(0);
      if (derivation.accumulates(value, key)) {
        record(path, receiverRoot, kindOfValue(value),
            name + "(…)` fed by its own `" + property);
      } else {
        addWrite(key);
      }
    }
    if (stateApiName
        && receiverRoot.isLasting()
        && receiverType != null
        && !ASTHelpers.isStatic(callee)) {
      stateApi(tree, name, receiverRoot, receiverType, receiverKey, path);
    }
    storeOperation(tree, callee, name, path);
    if (property == null && receiverRoot.isLasting() && receiverKey != null) {
      splitWrite(tree, callee, name, receiverRoot, receiverType, receiverKey, path);
      savedCopy(tree, name, path);
    }
    if (name.equals("addAll")
        && ASTHelpers.isStatic(callee)
        && callee.owner.getQualifiedName().contentEquals("java.util.Collections")
        && !tree.getArguments().isEmpty()) {
      ExpressionTree target = tree.getArguments().get(0);
      Root root = lasting.root(target);
      if (root.isLasting() && Vocabulary.isAppendable(ASTHelpers.getType(target), state)) {
        record(path, root, Mutation.Kind.APPEND, "Collections.addAll(" + describe(target) + ", …)");
      }
    }
    follow(tree, callee, path);
  }

  /**
   * A write call ({@code views.save(…)}) handed a copy of a loaded object built from that object's
   * own value pushed further: {@code new AccountView(v.id(), v.balance() + amount)}, also through
   * a local, or a wither {@code v.withBalance(v.balance() + amount)}. Immutable entities and views
   * change this way, with no setter to see.
   */
  private void savedCopy(MethodInvocationTree tree, String name, TreePath path) {
    for (ExpressionTree argument : tree.getArguments()) {
      ExpressionTree value = LastingState.strip(argument);
      if (value instanceof IdentifierTree identifier && lasting.isLocal(getSymbol(identifier))) {
        List<ExpressionTree> sources = lasting.valueSources(getSymbol(identifier));
        if (sources.size() != 1) {
          continue;
        }
        value = LastingState.strip(sources.get(0));
      }
      if (value instanceof NewClassTree copy) {
        Type type = ASTHelpers.getType(copy);
        for (ExpressionTree component : copy.getArguments()) {
          MethodInvocationTree read = readOfLoaded(component, type);
          String key = read == null ? null : lasting.key(read);
          if (key != null && derivation.accumulates(component, key)) {
            record(path, lasting.receiverRoot(read), kindOfValue(component),
                name + "(new " + type.tsym.getSimpleName() + "(…))` fed by its own `"
                    + key.substring(key.lastIndexOf('.') + 1));
            return;
          }
        }
      } else if (value instanceof MethodInvocationTree wither
          && wither.getArguments().size() == 1
          && ASTHelpers.getReceiver(wither) != null) {
        MethodSymbol with = getSymbol(wither);
        String withName = summarizer.text(with.getSimpleName());
        ExpressionTree copied = ASTHelpers.getReceiver(wither);
        String copiedKey = lasting.key(copied);
        if (withName.length() > 4
            && withName.startsWith("with")
            && Character.isUpperCase(withName.charAt(4))
            && copiedKey != null
            && lasting.root(copied).isLasting()
            && state.getTypes().isSameType(
                state.getTypes().erasure(with.getReturnType()),
                state.getTypes().erasure(ASTHelpers.getType(copied)))) {
          String property = Vocabulary.decapitalize(withName.substring(4));
          ExpressionTree newValue = wither.getArguments().get(0);
          if (derivation.accumulates(newValue, copiedKey + "." + property)) {
            record(path, lasting.root(copied), kindOfValue(newValue),
                name + "(…" + withName + "(…))` fed by its own `" + property);
            return;
          }
        }
      }
    }
  }

  /** A property read in {@code value} of a loaded, lasting object of {@code type}, or null. */
  private @Nullable MethodInvocationTree readOfLoaded(ExpressionTree value, @Nullable Type type) {
    if (type == null) {
      return null;
    }
    MethodInvocationTree[] found = {null};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        ExpressionTree receiver = ASTHelpers.getReceiver(call);
        if (found[0] == null
            && receiver != null
            && call.getArguments().isEmpty()
            && lasting.root(receiver).isLasting()
            && state.getTypes().isSameType(
                state.getTypes().erasure(ASTHelpers.getType(receiver)),
                state.getTypes().erasure(type))) {
          found[0] = call;
        }
        return super.visitMethodInvocation(call, null);
      }

      @Override
      public Void visitLambdaExpression(LambdaExpressionTree lambda, Void unused) {
        return null;
      }
    }.scan(value, null);
    return found[0];
  }

  private void stateApi(
      MethodInvocationTree tree,
      String name,
      Root root,
      Type receiverType,
      @Nullable String receiverKey,
      TreePath path) {
    List<? extends ExpressionTree> arguments = tree.getArguments();
    if (Vocabulary.isMetric(receiverType, state)) {
      // Micrometer, Prometheus and Dropwizard meters count for dashboards, not for the business.
      if (summarizer.config().reportMetrics() && Vocabulary.isMetricUpdate(name)) {
        record(path, root, Mutation.Kind.INCREMENT, describeReceiver(tree) + "." + name + call(arguments));
      }
      return;
    }
    if (Vocabulary.isCounter(receiverType, state) && Vocabulary.isCounterMethod(name)) {
      ExpressionTree counter = ASTHelpers.getReceiver(tree);
      if (!summarizer.config().reportMetrics()
          && counter != null
          && summarizer.metricsOnly().isMetric(counter)) {
        return; // a process-local metric: it only feeds a log line or a meter
      }
      Mutation.Kind kind =
          name.toLowerCase(java.util.Locale.ROOT).contains("decrement")
              ? Mutation.Kind.DECREMENT
              : name.toLowerCase(java.util.Locale.ROOT).contains("increment")
                  ? Mutation.Kind.INCREMENT
                  : Mutation.Kind.ADD;
      record(path, root, kind, describeReceiver(tree) + "." + name + call(arguments));
      return;
    }
    if (Vocabulary.isUpdatable(receiverType, state) && Vocabulary.UPDATE_METHODS.contains(name)) {
      ExpressionTree function = arguments.get(arguments.size() - 1);
      if (functionAccumulates(function, 0, false)) {
        record(path, root, Mutation.Kind.UPDATE, describeReceiver(tree) + "." + name + "(…)");
      }
      return;
    }
    if (Vocabulary.isMap(receiverType, state)) {
      if (name.equals("merge") && arguments.size() == 3) {
        if (functionAccumulates(arguments.get(2), 0, true)) {
          record(path, root, Mutation.Kind.ADD, describeReceiver(tree) + ".merge(…)");
        }
        return;
      }
      if ((name.equals("compute") || name.equals("computeIfPresent")) && arguments.size() == 2) {
        if (functionAccumulates(arguments.get(1), 1, false)) {
          record(path, root, Mutation.Kind.UPDATE, describeReceiver(tree) + "." + name + "(…)");
        }
        return;
      }
    }
    if (((name.equals("put") && Vocabulary.isMap(receiverType, state))
            || (name.equals("set") && Vocabulary.isList(receiverType, state)))
        && arguments.size() == 2
        && receiverKey != null) {
      if (derivation.accumulates(arguments.get(1), receiverKey + "[]")) {
        record(path, root, kindOfValue(arguments.get(1)), describeReceiver(tree) + "." + name + "(…)");
      } else {
        addWrite(receiverKey);
      }
      return;
    }
    if (Vocabulary.isAppendable(receiverType, state) && Vocabulary.isAppendMethod(name)) {
      record(path, root, Mutation.Kind.APPEND, describeReceiver(tree) + "." + name + "(…)");
    }
  }

  /**
   * A read-modify-write split over two calls on the same object: the caller reads through it and
   * computes the new value, a write through it stores the result ({@code stock.updateLevel(id,
   * stock.getLevel(id) - q)}, {@code repo.updateBalance(id, a.getBalance() + n)} after {@code a =
   * repo.findById(id)}). The write is a call named like one ({@code update…}, {@code set…}, {@code
   * save…}, …) whose body, when the compilation has it, writes something.
   */
  private void splitWrite(
      MethodInvocationTree tree,
      MethodSymbol callee,
      String name,
      Root root,
      @Nullable Type receiverType,
      String receiverKey,
      TreePath path) {
    if (receiverKey.equals("this")
        || !Vocabulary.isWriteName(name)
        || Vocabulary.isMap(receiverType, state)
        || Vocabulary.isList(receiverType, state)
        || Vocabulary.isUpdatable(receiverType, state)
        || Vocabulary.isCounter(receiverType, state)) {
      return;
    }
    ImmutableList<MethodSymbol> targets = summarizer.targets(callee);
    if (!targets.isEmpty()) {
      boolean writes = false;
      for (MethodSymbol target : targets) {
        writes |= !summarizer.summarize(target).writes().isEmpty();
      }
      if (!writes) {
        return;
      }
    }
    String stem = Vocabulary.writtenStem(name).toLowerCase(Locale.ROOT);
    for (ExpressionTree argument : tree.getArguments()) {
      if (derivation.accumulates(argument, receiverKey)
          && (stem.isEmpty() || readsNamed(argument, stem, new HashSet<>()))) {
        record(
            path,
            root,
            kindOfValue(argument),
            describeReceiver(tree) + "." + name + "(…)` fed by a value read through `"
                + describeReceiver(tree));
        return;
      }
    }
  }

  /**
   * Whether {@code value} calls a method whose name mentions {@code stem} ({@code getLevel} for
   * {@code updateLevel}), also through locals: a write of one property fed by another
   * ({@code setTotal(id, getPrice(id) * q)}) is no read-modify-write of it.
   */
  private boolean readsNamed(ExpressionTree value, String stem, Set<Symbol> visited) {
    boolean[] found = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        if (getSymbol(call).getSimpleName().toString().toLowerCase(Locale.ROOT).contains(stem)) {
          found[0] = true;
        }
        return super.visitMethodInvocation(call, null);
      }

      @Override
      public Void visitMemberSelect(MemberSelectTree select, Void unused) {
        if (select.getIdentifier().toString().toLowerCase(Locale.ROOT).contains(stem)) {
          found[0] = true;
        }
        return super.visitMemberSelect(select, null);
      }

      @Override
      public Void visitIdentifier(IdentifierTree identifier, Void unused) {
        Symbol symbol = getSymbol(identifier);
        if (lasting.isLocal(symbol) && visited.size() < 8 && visited.add(symbol)) {
          for (ExpressionTree source : lasting.valueSources(symbol)) {
            if (readsNamed(source, stem, visited)) {
              found[0] = true;
            }
          }
        } else if (symbol != null
            && symbol.getSimpleName().toString().toLowerCase(Locale.ROOT).contains(stem)) {
          found[0] = true;
        }
        return null;
      }
    }.scan(value, null);
    return found[0];
  }

  /**
   * Whether a function applied to a stored value combines the old value ({@code parameter}) with
   * something. An opaque function counts only when {@code opaqueAccumulates}, as for {@code
   * Map.merge}, whose purpose is to combine.
   */
  private boolean functionAccumulates(ExpressionTree function, int parameter, boolean opaqueAccumulates) {
    ExpressionTree f = LastingState.strip(function);
    if (f instanceof MemberReferenceTree) {
      Symbol target = getSymbol(f);
      String name = target == null ? "" : target.getSimpleName().toString();
      if (Vocabulary.isMonotone(name)) {
        return false;
      }
      return Vocabulary.isAccumulating(name) || opaqueAccumulates;
    }
    if (f instanceof LambdaExpressionTree lambda) {
      if (lambda.getParameters().size() <= parameter) {
        return false;
      }
      String key = lasting.symbolKey(getSymbol(lambda.getParameters().get(parameter)));
      if (key == null) {
        return opaqueAccumulates;
      }
      if (lambda.getBody() instanceof ExpressionTree) {
        return derivation.accumulates((ExpressionTree) lambda.getBody(), key);
      }
      boolean[] found = {false};
      new TreeScanner<Void, Void>() {
        @Override
        public Void visitReturn(ReturnTree tree, Void unused) {
          if (tree.getExpression() != null && derivation.accumulates(tree.getExpression(), key)) {
            found[0] = true;
          }
          return null;
        }

        @Override
        public Void visitMethodInvocation(MethodInvocationTree tree, Void unused) {
          ExpressionTree receiver = ASTHelpers.getReceiver(tree);
          if (receiver != null
              && key.equals(lasting.key(receiver))
              && Vocabulary.isAccumulating(getSymbol(tree).getSimpleName().toString())) {
            found[0] = true;
          }
          return super.visitMethodInvocation(tree, null);
        }

        @Override
        public Void visitLambdaExpression(LambdaExpressionTree tree, Void unused) {
          return null;
        }
      }.scan((BlockTree) lambda.getBody(), null);
      return found[0];
    }
    return opaqueAccumulates;
  }

  private void sql(MethodInvocationTree tree, MethodSymbol callee, TreePath path) {
    String owner = summarizer.text(callee.owner.getSimpleName());
    if (owner.endsWith("Logger") || owner.endsWith("Log")) {
      return;
    }
    for (ExpressionTree argument : tree.getArguments()) {
      reportSql(sqlText(argument), path);
    }
    if ((callee.owner.flags() & com.sun.tools.javac.code.Flags.INTERFACE) != 0) {
      // A MyBatis mapper whose statement lives in XML on the class path.
      if (!summarizer.isJdk(callee.owner)) {
        reportSql(
            summarizer
                .mapperXml()
                .sql(summarizer.text(callee.owner.getQualifiedName()), summarizer.text(callee.getSimpleName())),
            path);
      }
    }
    for (AnnotationMirror annotation : callee.getAnnotationMirrors()) {
      for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry :
          annotation.getElementValues().entrySet()) {
        Object value = entry.getValue().getValue();
        if (value instanceof String text) {
          reportSql(text, path);
        } else if (value instanceof List<?> elements) {
          for (Object element : elements) {
            if (element instanceof Attribute.Constant constant
                && constant.getValue() instanceof String text) {
              reportSql(text, path);
            }
          }
        }
      }
    }
  }

  private void reportSql(@Nullable String sql, TreePath path) {
    ImmutableList<SqlAnalyzer.RelativeUpdate> updates = SqlAnalyzer.relativeUpdates(sql);
    if (!updates.isEmpty()) {
      record(path, Root.GLOBAL, Mutation.Kind.SQL, "UPDATE … SET " + updates.get(0).assignment());
    }
  }

  /** The text of a string constant, also through a local it was assigned to. */
  private @Nullable String sqlText(ExpressionTree argument) {
    String constant = ASTHelpers.constValue(argument, String.class);
    if (constant != null) {
      return constant;
    }
    ExpressionTree e = LastingState.strip(argument);
    if (e instanceof IdentifierTree && lasting.isLocal(getSymbol(e))) {
      List<ExpressionTree> sources = lasting.valueSources(getSymbol(e));
      if (sources.size() == 1) {
        return ASTHelpers.constValue(sources.get(0), String.class);
      }
    }
    return null;
  }

  /**
   * A method reference passed to a call ({@code orders.forEach(this::settle)}, {@code
   * items.forEach(log::add)}) runs like a call on each element: its receiver is the reference's
   * qualifier (or, for {@code Type::method}, the element), its parameters are the elements.
   */
  private void memberReference(MemberReferenceTree tree, TreePath path) {
    MethodSymbol target = getSymbol(tree);
    if (target == null || target.isConstructor()) {
      return;
    }
    Root elements;
    Tree parent = path.getParentPath().getLeaf();
    if (parent instanceof MethodInvocationTree enclosing
        && enclosing.getArguments().contains(tree)) {
      ExpressionTree container = ASTHelpers.getReceiver(enclosing);
      elements = container == null ? Root.FRESH : lasting.elementRoot(container);
    } else if (parent instanceof ReturnTree && handler && Handlers.isHandlerFactory(method)) {
      // @Bean Consumer<Order> orders() { return service::handle; }: the referenced method is the
      // handler, and what it receives is the message.
      elements = Root.GLOBAL;
    } else {
      return;
    }
    ExpressionTree qualifier = tree.getQualifierExpression();
    boolean unbound = getSymbol(qualifier) instanceof Symbol.TypeSymbol;
    Root receiver = unbound ? elements : lasting.root(qualifier);
    String name = target.getSimpleName().toString();
    if (!unbound
        && receiver.isLasting()
        && Vocabulary.isAppendable(ASTHelpers.getType(qualifier), state)
        && Vocabulary.isAppendMethod(name)) {
      record(path, receiver, Mutation.Kind.APPEND, describe(qualifier) + "::" + name);
      return;
    }
    int maxDepth = summarizer.config().maxCallDepth();
    if (maxDepth == 0 || declared(target, true)) {
      return;
    }
    List<Mutation> reached = new ArrayList<>();
    for (MethodSymbol implementation : summarizer.targets(target)) {
      for (Mutation mutation : summarizer.summarize(implementation).mutations()) {
        if (mutation.chain().size() + 1 > maxDepth) {
          continue;
        }
        Root root =
            switch (mutation.root().kind()) {
              case THIS -> receiver;
              case PARAM -> elements;
              case GLOBAL -> Root.GLOBAL;
              case FRESH -> Root.FRESH;
            };
        if (root.isLasting()) {
          reach(
              reached,
              mutation,
              CallStep.of(tree, unit, implementation),
              root,
              elements.kind() == Root.Kind.PARAM || receiver.kind() == Root.Kind.PARAM);
        }
      }
    }
    addReached(reached, path);
  }

  /**
   * Increments and appends in external stores through their clients: Redis ({@code INCR}, {@code
   * HINCRBY}, {@code LPUSH}) and MongoDB ({@code $inc}, {@code $push}).
   */
  private void storeOperation(MethodInvocationTree tree, MethodSymbol callee, String name, TreePath path) {
    String pkg = summarizer.text(ASTHelpers.enclosingPackage(callee).getQualifiedName());
    Mutation.Kind kind = null;
    if (pkg.contains("redis") || pkg.contains("jedis") || pkg.contains("lettuce")) {
      kind = Vocabulary.REDIS_OPERATIONS.get(name);
    } else if (pkg.contains("mongodb")) {
      kind = Vocabulary.MONGO_OPERATIONS.get(name);
    }
    if (kind == null) {
      for (ExpressionTree argument : tree.getArguments()) {
        String constant = ASTHelpers.constValue(argument, String.class);
        if (constant != null && Vocabulary.MONGO_OPERATORS.containsKey(constant)) {
          kind = Vocabulary.MONGO_OPERATORS.get(constant);
          name = constant;
        }
      }
    }
    if (kind != null) {
      record(path, Root.GLOBAL, kind, describeReceiver(tree) + "." + getSymbol(tree).getSimpleName() + call(tree.getArguments()));
    }
  }

  /** Folds in the summaries of the methods this call can run. */
  private void follow(MethodInvocationTree tree, MethodSymbol callee, TreePath path) {
    int maxDepth = summarizer.config().maxCallDepth();
    if (maxDepth == 0) {
      return;
    }
    List<Mutation> reached = new ArrayList<>();
    for (MethodSymbol target : summarizer.targets(callee)) {
      MethodSummary summary = summarizer.summarize(target);
      for (Mutation mutation : summary.mutations()) {
        if (mutation.chain().size() + 1 > maxDepth) {
          continue;
        }
        Root root = translate(mutation.root(), tree);
        if (root.isLasting()) {
          reach(reached, mutation, CallStep.of(tree, unit, target), root, passesParameter(tree));
        }
      }
      for (Place write : summary.writes()) {
        String key = lasting.keyAtCall(write, tree);
        if (key != null) {
          addWrite(key);
        }
      }
    }
    addReached(reached, path);
  }

  /**
   * Adds a callee's mutation as seen from this method. One that a test of the callee's parameter
   * guards holds there only if this call passes state of this method's own parameters: it stands
   * when this method is a handler (they are the message), and stays pending otherwise.
   */
  private void reach(
      List<Mutation> reached, Mutation mutation, CallStep step, Root root, boolean fromParameters) {
    boolean pending = false;
    if (mutation.guardedByParameter()) {
      if (!fromParameters) {
        return; // the caller passes lasting state it loaded: the callee's guard holds
      }
      pending = !handler;
    }
    reached.add(mutation.calledFrom(step, root, pending));
  }

  /**
   * Whether the call passes an object hanging from this method's parameters, whose fields a callee
   * may test; values (numbers, strings, enums) have no fields to test.
   */
  private boolean passesParameter(MethodInvocationTree tree) {
    ExpressionTree receiver = ASTHelpers.getReceiver(tree);
    if (receiver != null && passesObjectOfParameter(receiver)) {
      return true;
    }
    for (ExpressionTree argument : tree.getArguments()) {
      if (passesObjectOfParameter(argument)) {
        return true;
      }
    }
    return false;
  }

  private boolean passesObjectOfParameter(ExpressionTree expression) {
    Type type = ASTHelpers.getType(expression);
    return lasting.root(expression).kind() == Root.Kind.PARAM
        && type != null
        && !type.isPrimitive()
        && !type.isErroneous()
        && state.getTypes().unboxedType(type).getTag() == com.sun.tools.javac.code.TypeTag.NONE
        && !ASTHelpers.isSameType(type, state.getSymtab().stringType, state)
        && type.tsym.getKind() != javax.lang.model.element.ElementKind.ENUM;
  }

  /** The mutations a call reaches, unless a guard around the call covers them. */
  private void addReached(List<Mutation> reached, TreePath path) {
    if (reached.isEmpty()) {
      return;
    }
    switch (guards.guard(path)) {
      case GUARDED -> {}
      case BY_PARAMETER -> {
        for (Mutation mutation : reached) {
          mutations.add(mutation.withGuardedByParameter());
        }
      }
      case NONE -> mutations.addAll(reached);
    }
  }

  /** The keys a call writes plainly, according to its callee's summary. */
  private Set<String> callWrites(MethodInvocationTree tree) {
    Set<String> keys = new HashSet<>();
    for (MethodSymbol target : summarizer.targets(getSymbol(tree))) {
      for (Place write : summarizer.summarize(target).writes()) {
        String key = lasting.keyAtCall(write, tree);
        if (key != null) {
          keys.add(key);
        }
      }
    }
    return keys;
  }

  private Root translate(Root root, MethodInvocationTree call) {
    switch (root.kind()) {
      case THIS -> {
        return lasting.receiverRoot(call);
      }
      case PARAM -> {
        List<? extends ExpressionTree> arguments = call.getArguments();
        Root joined = Root.FRESH;
        int last = getSymbol(call).getParameters().size() - 1;
        for (int i = root.index(); i < arguments.size(); i++) {
          joined = joined.join(lasting.root(arguments.get(i)));
          if (i != last) {
            break; // only a varargs parameter spans several arguments
          }
        }
        return joined;
      }
      case GLOBAL -> {
        return Root.GLOBAL;
      }
      default -> {
        return Root.FRESH;
      }
    }
  }

  /** Records a plain write to the place {@code key} names, when it outlives the call. */
  private void addWrite(String key) {
    Place place = lasting.place(key);
    if (place != null) {
      writes.add(place);
    }
  }

  private void record(TreePath path, Root root, Mutation.Kind kind, String what) {
    GuardAnalyzer.Guard guard = guards.guard(path);
    if (guard == GuardAnalyzer.Guard.GUARDED) {
      return;
    }
    String key = mutatedKey(path.getLeaf());
    if (key != null && guards.isResetBefore(path, key)) {
      return;
    }
    mutations.add(
        Mutation.at(
            root,
            kind,
            "`" + what + "`",
            path.getLeaf(),
            unit,
            method,
            guard == GuardAnalyzer.Guard.BY_PARAMETER));
  }

  /** The place a mutation changes, for the reset check; null when it has no key here. */
  private @Nullable String mutatedKey(Tree leaf) {
    if (leaf instanceof CompoundAssignmentTree compound) {
      return lasting.key(compound.getVariable());
    }
    if (leaf instanceof UnaryTree unary) {
      return lasting.key(unary.getExpression());
    }
    if (leaf instanceof AssignmentTree assignment) {
      return lasting.key(assignment.getVariable());
    }
    if (leaf instanceof MethodInvocationTree invocation) {
      String receiver = lasting.receiverKey(invocation);
      String property = Vocabulary.setterProperty(getSymbol(invocation));
      return receiver == null || property == null ? receiver : receiver + "." + property;
    }
    return null;
  }

  private boolean declared(MethodSymbol callee, boolean idempotent) {
    NonIdempotentMutationConfig config = summarizer.config();
    if (!config.hasDeclaredMethods()) {
      return false;
    }
    List<MethodSymbol> methods = new ArrayList<>();
    methods.add(callee);
    methods.addAll(ASTHelpers.findSuperMethods(callee, state.getTypes()));
    for (MethodSymbol m : methods) {
      String owner = m.owner.getQualifiedName().toString();
      String name = m.getSimpleName().toString();
      if (idempotent
          ? config.isDeclaredIdempotent(owner, name)
          : config.isDeclaredNonIdempotent(owner, name)) {
        return true;
      }
    }
    return false;
  }

  private static Mutation.@Nullable Kind compoundKind(Tree.Kind kind) {
    switch (kind) {
      case PLUS_ASSIGNMENT -> {
        return Mutation.Kind.ADD;
      }
      case MINUS_ASSIGNMENT -> {
        return Mutation.Kind.SUBTRACT;
      }
      case MULTIPLY_ASSIGNMENT, DIVIDE_ASSIGNMENT, LEFT_SHIFT_ASSIGNMENT, RIGHT_SHIFT_ASSIGNMENT, UNSIGNED_RIGHT_SHIFT_ASSIGNMENT -> {
        return Mutation.Kind.SCALE;
      }
      case XOR_ASSIGNMENT -> {
        return Mutation.Kind.TOGGLE;
      }
      default -> {
        return null; // &=, |= and %= give the same result when applied twice
      }
    }
  }

  private static String operator(Tree.Kind kind) {
    switch (kind) {
      case PLUS_ASSIGNMENT -> {
        return "+=";
      }
      case MINUS_ASSIGNMENT -> {
        return "-=";
      }
      case MULTIPLY_ASSIGNMENT -> {
        return "*=";
      }
      case DIVIDE_ASSIGNMENT -> {
        return "/=";
      }
      case LEFT_SHIFT_ASSIGNMENT -> {
        return "<<=";
      }
      case RIGHT_SHIFT_ASSIGNMENT -> {
        return ">>=";
      }
      case UNSIGNED_RIGHT_SHIFT_ASSIGNMENT -> {
        return ">>>=";
      }
      case XOR_ASSIGNMENT -> {
        return "^=";
      }
      default -> {
        return "=";
      }
    }
  }

  /** The kind of change a self-derived value makes, from its outermost accumulating step. */
  private Mutation.Kind kindOfValue(ExpressionTree value) {
    return kindOfValue(value, 0);
  }

  private Mutation.Kind kindOfValue(ExpressionTree value, int depth) {
    ExpressionTree e = LastingState.strip(value);
    switch (e.getKind()) {
      case PLUS -> {
        return Mutation.Kind.ADD;
      }
      case MINUS -> {
        return Mutation.Kind.SUBTRACT;
      }
      case MULTIPLY, DIVIDE, LEFT_SHIFT, RIGHT_SHIFT, UNSIGNED_RIGHT_SHIFT -> {
        return Mutation.Kind.SCALE;
      }
      case XOR, LOGICAL_COMPLEMENT, BITWISE_COMPLEMENT, UNARY_MINUS -> {
        return Mutation.Kind.TOGGLE;
      }
      case METHOD_INVOCATION -> {
        String name = getSymbol((MethodInvocationTree) e).getSimpleName().toString();
        if (name.startsWith("add") || name.startsWith("plus") || name.equals("sum")
            || name.startsWith("increment")) {
          return Mutation.Kind.ADD;
        }
        if (name.startsWith("subtract") || name.startsWith("minus") || name.startsWith("decrement")) {
          return Mutation.Kind.SUBTRACT;
        }
        return Mutation.Kind.UPDATE;
      }
      case IDENTIFIER -> {
        Symbol symbol = getSymbol(e);
        if (depth < 4 && lasting.isLocal(symbol)) {
          for (ExpressionTree source : lasting.valueSources(symbol)) {
            Mutation.Kind kind = kindOfValue(source, depth + 1);
            if (kind != Mutation.Kind.UPDATE) {
              return kind;
            }
          }
        }
        return Mutation.Kind.UPDATE;
      }
      default -> {
        return Mutation.Kind.UPDATE;
      }
    }
  }

  /** A short source-like rendering of a place, built from symbols: {@code order.total}. */
  static String describe(ExpressionTree tree) {
    ExpressionTree e = LastingState.strip(tree);
    switch (e.getKind()) {
      case IDENTIFIER -> {
        return ((IdentifierTree) e).getName().toString();
      }
      case MEMBER_SELECT -> {
        MemberSelectTree select = (MemberSelectTree) e;
        ExpressionTree receiver = LastingState.strip(select.getExpression());
        if (receiver instanceof IdentifierTree identifier
            && identifier.getName().contentEquals("this")) {
          return select.getIdentifier().toString();
        }
        return describe(receiver) + "." + select.getIdentifier();
      }
      case ARRAY_ACCESS -> {
        return describe(((ArrayAccessTree) e).getExpression()) + "[…]";
      }
      case METHOD_INVOCATION -> {
        MethodInvocationTree invocation = (MethodInvocationTree) e;
        ExpressionTree receiver = ASTHelpers.getReceiver(invocation);
        String call =
            getSymbol(invocation).getSimpleName()
                + (invocation.getArguments().isEmpty() ? "()" : "(…)");
        return receiver == null ? call : describe(receiver) + "." + call;
      }
      default -> {
        return "…";
      }
    }
  }

  /** {@code ()} for a call without arguments, {@code (…)} for one with. */
  private static String call(List<? extends ExpressionTree> arguments) {
    return arguments.isEmpty() ? "()" : "(…)";
  }

  private static String describeReceiver(MethodInvocationTree tree) {
    ExpressionTree receiver = ASTHelpers.getReceiver(tree);
    return receiver == null ? "this" : describe(receiver);
  }
}
