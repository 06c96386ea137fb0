package io.idempo.checker;

import static com.google.errorprone.util.ASTHelpers.getSymbol;
import static com.google.errorprone.util.ASTHelpers.isStatic;

import com.google.errorprone.VisitorState;
import com.google.errorprone.suppliers.Supplier;
import com.google.errorprone.suppliers.Suppliers;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BindingPatternTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.InstanceOfTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.util.Name;
import com.sun.tools.javac.util.Names;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import javax.lang.model.element.ElementKind;
import org.jspecify.annotations.Nullable;

/**
 * Classifies the state an expression denotes inside one method: where it hangs from ({@link
 * Root}) and a key naming the place ({@code this.total}, {@code p0.balance}, {@code l3:c.stock},
 * {@code this.counts[]}), so a write can be compared with the reads that feed it.
 *
 * <p>Locals are followed through what is assigned to them: {@code Customer c =
 * repo.findById(id).orElseThrow()} hangs from {@code this} (the repository field), {@code List<X> l =
 * new ArrayList<>()} is fresh. Results of calls hang from their receiver, except calls that build
 * new objects (stream terminals, copies, builders and static factories).
 */
final class LastingState {

  private static final Supplier<Type> OPTIONAL = Suppliers.typeFromString("java.util.Optional");

  private static final Supplier<Type> BASE_STREAM =
      Suppliers.typeFromString("java.util.stream.BaseStream");

  private final MethodSymbol method;
  private final VisitorState state;
  private final Names names;
  private final Map<Symbol, Integer> params = new HashMap<>();
  /** Values assigned to each local (initializer and later assignments). */
  private final Map<Symbol, List<ExpressionTree>> valueSources = new HashMap<>();
  /** For loop variables and lambda parameters: the container their values come from. */
  private final Map<Symbol, ExpressionTree> elementSources = new HashMap<>();

  /** Locals changed in place ({@code n -= q}, {@code n++}): their value is already accumulated. */
  private final Set<Symbol> accumulatedLocals = new HashSet<>();

  private final Map<Symbol, String> localNames = new HashMap<>();
  private final Set<Symbol> rootInProgress = new HashSet<>();
  private final Function<MethodInvocationTree, @Nullable Root> returnedRoot;

  /**
   * @param returnedRoot where the value a call returns hangs from, translated to this method, from
   *     the callee's summary; null when the callee's body is not in the compilation
   */
  LastingState(
      MethodTree tree,
      MethodSymbol method,
      VisitorState state,
      Function<MethodInvocationTree, @Nullable Root> returnedRoot) {
    this.method = method;
    this.state = state;
    this.names = Names.instance(state.context);
    this.returnedRoot = returnedRoot;
    for (int i = 0; i < tree.getParameters().size(); i++) {
      params.put(getSymbol(tree.getParameters().get(i)), i);
    }
    if (tree.getBody() != null) {
      if (Handlers.isHandlerFactory(method)) {
        // @Bean Consumer<Order> orders() { return order -> …; }: the lambda's parameters are the
        // message, as a handler's own parameters are. They get indices no call passes.
        for (StatementTree statement : tree.getBody().getStatements()) {
          if (statement instanceof ReturnTree ret
              && ret.getExpression() != null
              && strip(ret.getExpression()) instanceof LambdaExpressionTree lambda) {
            for (int i = 0; i < lambda.getParameters().size(); i++) {
              params.put(getSymbol(lambda.getParameters().get(i)), MESSAGE_PARAMETERS + i);
            }
          }
        }
      }
      new LocalCollector().scan(tree.getBody(), null);
    }
  }

  /** Where the indices of a functional handler's lambda parameters start. */
  private static final int MESSAGE_PARAMETERS = 1000;

  VisitorState state() {
    return state;
  }

  MethodSymbol method() {
    return method;
  }

  /** The values assigned to a local variable in this method. */
  List<ExpressionTree> valueSources(Symbol local) {
    return valueSources.getOrDefault(local, List.of());
  }

  /** Whether the local is changed in place somewhere in the method. */
  boolean isAccumulatedLocal(Symbol local) {
    return accumulatedLocals.contains(local);
  }

  /** {@code this} or {@code super}: javac's names are unique in its table, so compared by identity. */
  private boolean isThisOrSuper(Symbol symbol) {
    Name name = symbol.getSimpleName();
    return name == names._this || name == names._super;
  }

  boolean isLocal(@Nullable Symbol symbol) {
    return symbol instanceof VarSymbol
        && !params.containsKey(symbol)
        && symbol.getKind() != ElementKind.FIELD
        && symbol.getKind() != ElementKind.ENUM_CONSTANT
        && !isThisOrSuper(symbol);
  }

  /** Where the value of {@code tree} hangs from. */
  Root root(ExpressionTree tree) {
    ExpressionTree e = strip(tree);
    switch (e.getKind()) {
      case IDENTIFIER -> {
        return identifierRoot((IdentifierTree) e);
      }
      case MEMBER_SELECT -> {
        Symbol symbol = getSymbol(e);
        if (symbol instanceof VarSymbol) {
          if (isThisOrSuper(symbol)) {
            return Root.THIS;
          }
          if (isStatic(symbol)) {
            return Root.GLOBAL;
          }
          return root(((MemberSelectTree) e).getExpression());
        }
        return Root.FRESH;
      }
      case METHOD_INVOCATION -> {
        return invocationRoot((MethodInvocationTree) e);
      }
      case ARRAY_ACCESS -> {
        return root(((com.sun.source.tree.ArrayAccessTree) e).getExpression());
      }
      case CONDITIONAL_EXPRESSION -> {
        ConditionalExpressionTree c = (ConditionalExpressionTree) e;
        return root(c.getTrueExpression()).join(root(c.getFalseExpression()));
      }
      case ASSIGNMENT -> {
        return root(((AssignmentTree) e).getExpression());
      }
      default -> {
        return Root.FRESH;
      }
    }
  }

  private Root identifierRoot(IdentifierTree e) {
    Symbol symbol = getSymbol(e);
    if (!(symbol instanceof VarSymbol)) {
      return Root.FRESH;
    }
    if (isThisOrSuper(symbol)) {
      return Root.THIS;
    }
    if (symbol.getKind() == ElementKind.FIELD || symbol.getKind() == ElementKind.ENUM_CONSTANT) {
      return isStatic(symbol) ? Root.GLOBAL : Root.THIS;
    }
    Integer index = params.get(symbol);
    if (index != null) {
      return Root.param(index);
    }
    if (!rootInProgress.add(symbol)) {
      return Root.FRESH;
    }
    try {
      Root root = Root.FRESH;
      ExpressionTree container = elementSources.get(symbol);
      if (container != null) {
        root = root.join(elementRoot(container));
      }
      for (ExpressionTree source : valueSources(symbol)) {
        root = root.join(root(source));
      }
      return root;
    } finally {
      rootInProgress.remove(symbol);
    }
  }

  private Root invocationRoot(MethodInvocationTree e) {
    MethodSymbol callee = getSymbol(e);
    String name = callee.getSimpleName().toString();
    if (!isStreamType(ASTHelpers.getReceiverType(e))) {
      // A method of this compilation says itself what it returns: Wallet w = checkWallet(id)
      // loads lasting state whatever its name.
      Root returned = returnedRoot.apply(e);
      if (returned != null) {
        return returned;
      }
    }
    if (isStatic(callee)) {
      if (Vocabulary.isPassThroughStatic(name) && e.getArguments().size() == 1) {
        return root(e.getArguments().get(0));
      }
      return Root.FRESH;
    }
    if (Vocabulary.makesNewObject(name) || isStreamType(ASTHelpers.getReceiverType(e))) {
      return Root.FRESH;
    }
    if (!e.getArguments().isEmpty() && !Vocabulary.isLookup(name)) {
      return Root.FRESH; // a computation (convert(x), map(x)) returns a new value
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(e);
    return receiver == null ? Root.THIS : root(receiver);
  }

  /**
   * Where the elements of a container hang from: the container itself, looking through stream
   * pipelines ({@code orders.stream().filter(…)} holds the orders of {@code orders}).
   */
  Root elementRoot(ExpressionTree container) {
    ExpressionTree e = strip(container);
    while (e instanceof MethodInvocationTree invocation) {
      ExpressionTree receiver = ASTHelpers.getReceiver(invocation);
      String name = getSymbol(invocation).getSimpleName().toString();
      if (receiver == null
          || !(isStreamType(ASTHelpers.getReceiverType(invocation))
              || name.equals("stream")
              || name.equals("parallelStream"))) {
        break;
      }
      e = strip(receiver);
    }
    return root(e);
  }

  private boolean isOptional(@Nullable Type type) {
    Type optional = OPTIONAL.get(state);
    return type != null
        && optional != null
        && ASTHelpers.isSameType(state.getTypes().erasure(type), optional, state);
  }

  private boolean isStreamType(@Nullable Type type) {
    Type stream = BASE_STREAM.get(state);
    return type != null && stream != null && ASTHelpers.isSubtype(type, stream, state);
  }

  /**
   * A key naming the place {@code tree} reads or writes, or null when it is not a place (a call
   * with arguments, a literal, arithmetic). Getters ({@code getX()}, {@code isX()}) name the
   * property {@code x} of their receiver, so {@code getBalance()} and {@code setBalance(…)} meet.
   */
  @Nullable String key(ExpressionTree tree) {
    ExpressionTree e = strip(tree);
    switch (e.getKind()) {
      case IDENTIFIER -> {
        Symbol symbol = getSymbol(e);
        if (!(symbol instanceof VarSymbol)) {
          return null;
        }
        return variableKey(symbol);
      }
      case MEMBER_SELECT -> {
        Symbol symbol = getSymbol(e);
        if (!(symbol instanceof VarSymbol)) {
          return null;
        }
        if (symbol.getSimpleName() == names._this) {
          return "this";
        }
        if (isStatic(symbol)) {
          return staticKey(symbol);
        }
        String base = key(((MemberSelectTree) e).getExpression());
        return base == null ? null : base + "." + symbol.getSimpleName();
      }
      case ARRAY_ACCESS -> {
        String base = key(((com.sun.source.tree.ArrayAccessTree) e).getExpression());
        return base == null ? null : base + "[]";
      }
      case METHOD_INVOCATION -> {
        return invocationKey((MethodInvocationTree) e);
      }
      default -> {
        return null;
      }
    }
  }

  /** The key of the receiver of a call: {@code this} when it is implicit. */
  @Nullable String receiverKey(MethodInvocationTree invocation) {
    ExpressionTree receiver = ASTHelpers.getReceiver(invocation);
    if (receiver == null) {
      return isStatic(getSymbol(invocation)) ? null : "this";
    }
    return key(receiver);
  }

  /** The root of the receiver of a call: {@code THIS} when it is implicit. */
  Root receiverRoot(MethodInvocationTree invocation) {
    ExpressionTree receiver = ASTHelpers.getReceiver(invocation);
    if (receiver == null) {
      return isStatic(getSymbol(invocation)) ? Root.GLOBAL : Root.THIS;
    }
    return root(receiver);
  }

  private @Nullable String invocationKey(MethodInvocationTree e) {
    MethodSymbol callee = getSymbol(e);
    if (isStatic(callee)) {
      return null;
    }
    String name = callee.getSimpleName().toString();
    int arguments = e.getArguments().size();
    if (arguments == 0
        && (name.equals("get") || name.equals("orElseThrow"))
        && isOptional(ASTHelpers.getReceiverType(e))) {
      return key(ASTHelpers.getReceiver(e)); // the same object as the Optional holds
    }
    if (arguments == 0) {
      String property = Vocabulary.getterProperty(callee);
      if (property == null) {
        return null;
      }
      String base = receiverKey(e);
      return base == null ? null : base + "." + property;
    }
    if ((name.equals("get") || name.equals("getOrDefault"))
        && (Vocabulary.isMap(ASTHelpers.getReceiverType(e), state)
            || Vocabulary.isList(ASTHelpers.getReceiverType(e), state))) {
      String base = receiverKey(e);
      return base == null ? null : base + "[]";
    }
    return null;
  }

  /** The key of a variable, as {@link #key} gives it for an identifier naming it. */
  String symbolKey(Symbol symbol) {
    return variableKey(symbol);
  }

  private String variableKey(Symbol symbol) {
    if (symbol.getSimpleName() == names._this) {
      return "this";
    }
    if (symbol.getKind() == ElementKind.FIELD || symbol.getKind() == ElementKind.ENUM_CONSTANT) {
      return isStatic(symbol) ? staticKey(symbol) : "this." + symbol.getSimpleName();
    }
    Integer index = params.get(symbol);
    if (index != null) {
      return "p" + index;
    }
    return localNames.computeIfAbsent(
        symbol, s -> "l" + localNames.size() + ":" + s.getSimpleName());
  }

  /**
   * The place a key names, when it outlives the call: {@code this.status} → {@code (THIS,
   * ".status")}, {@code p0.items[]} → {@code (PARAM 0, ".items[]")}, a static field → {@code
   * (GLOBAL, key)}; null for locals, bare parameters and {@code this} itself. Keys are this class's
   * own spelling, so only this class reads them.
   */
  @Nullable Place place(String key) {
    if (key.startsWith("this.") || key.startsWith("this[")) {
      return new Place(Root.THIS, key.substring("this".length()));
    }
    if (isParameterKey(key)) {
      int end = 1;
      while (Character.isDigit(key.charAt(end))) {
        end++;
      }
      return new Place(Root.param(Integer.parseInt(key.substring(1, end))), key.substring(end));
    }
    boolean local = key.startsWith("l") && key.indexOf(':') > 0;
    if (!local && !key.startsWith("this") && !key.startsWith("p") && key.indexOf('.') > 0) {
      return new Place(Root.GLOBAL, key);
    }
    return null;
  }

  /**
   * The key, in this method, of a place a callee's summary names, seen through the call: its
   * receiver for {@code THIS}, the argument for a parameter; null when that is no place here.
   */
  @Nullable String keyAtCall(Place place, MethodInvocationTree call) {
    switch (place.root().kind()) {
      case THIS -> {
        String receiver = receiverKey(call);
        return receiver == null ? null : receiver + place.path();
      }
      case PARAM -> {
        if (place.root().index() >= call.getArguments().size()) {
          return null;
        }
        String argument = key(call.getArguments().get(place.root().index()));
        return argument == null ? null : argument + place.path();
      }
      case GLOBAL -> {
        return place.path();
      }
      default -> {
        return null;
      }
    }
  }

  /** Whether a key is a field or element of a parameter: {@code p0.status}, {@code p1[]}. */
  static boolean isParameterKey(String key) {
    int end = 1;
    while (end < key.length() && Character.isDigit(key.charAt(end))) {
      end++;
    }
    // A bare parameter (a repository passed in) is no field of the message.
    return key.startsWith("p")
        && end > 1
        && end < key.length()
        && (key.charAt(end) == '.' || key.charAt(end) == '[');
  }

  private static String staticKey(Symbol symbol) {
    return symbol.owner.getQualifiedName() + "." + symbol.getSimpleName();
  }

  static ExpressionTree strip(ExpressionTree tree) {
    ExpressionTree e = tree;
    while (true) {
      // By kind, not by interface: asked of most expressions, where a failing interface test
      // scans the node class's interfaces on JDK 17.
      switch (e.getKind()) {
        case PARENTHESIZED -> e = ((ParenthesizedTree) e).getExpression();
        case TYPE_CAST -> e = ((TypeCastTree) e).getExpression();
        default -> {
          return e;
        }
      }
    }
  }

  /** Records what flows into each local: initializers, assignments, loop and lambda elements. */
  private final class LocalCollector extends TreeScanner<Void, Void> {
    private final List<MethodInvocationTree> enclosingCalls = new ArrayList<>();

    @Override
    public Void visitVariable(VariableTree tree, Void unused) {
      if (tree.getInitializer() != null) {
        valueSources.computeIfAbsent(getSymbol(tree), s -> new ArrayList<>()).add(tree.getInitializer());
      }
      return super.visitVariable(tree, null);
    }

    @Override
    public Void visitAssignment(AssignmentTree tree, Void unused) {
      ExpressionTree target = strip(tree.getVariable());
      if (target instanceof IdentifierTree) {
        Symbol symbol = getSymbol(target);
        if (isLocal(symbol)) {
          valueSources.computeIfAbsent(symbol, s -> new ArrayList<>()).add(tree.getExpression());
        }
      }
      return super.visitAssignment(tree, null);
    }

    @Override
    public Void visitCompoundAssignment(CompoundAssignmentTree tree, Void unused) {
      markAccumulated(tree.getVariable());
      return super.visitCompoundAssignment(tree, null);
    }

    @Override
    public Void visitUnary(UnaryTree tree, Void unused) {
      switch (tree.getKind()) {
        case PREFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_INCREMENT, POSTFIX_DECREMENT -> {
          markAccumulated(tree.getExpression());
        }
        default -> {}
      }
      return super.visitUnary(tree, null);
    }

    private void markAccumulated(ExpressionTree variable) {
      ExpressionTree target = strip(variable);
      if (target instanceof IdentifierTree) {
        Symbol symbol = getSymbol(target);
        if (isLocal(symbol)) {
          accumulatedLocals.add(symbol);
        }
      }
    }

    @Override
    public Void visitEnhancedForLoop(EnhancedForLoopTree tree, Void unused) {
      elementSources.put(getSymbol(tree.getVariable()), tree.getExpression());
      return super.visitEnhancedForLoop(tree, null);
    }

    @Override
    public Void visitInstanceOf(InstanceOfTree tree, Void unused) {
      Tree pattern = tree.getPattern();
      if (pattern instanceof BindingPatternTree binding) {
        valueSources
            .computeIfAbsent(getSymbol(binding.getVariable()), s -> new ArrayList<>())
            .add(tree.getExpression());
      }
      return super.visitInstanceOf(tree, null);
    }

    @Override
    public Void visitMethodInvocation(MethodInvocationTree tree, Void unused) {
      enclosingCalls.add(tree);
      try {
        return super.visitMethodInvocation(tree, null);
      } finally {
        enclosingCalls.remove(enclosingCalls.size() - 1);
      }
    }

    @Override
    public Void visitLambdaExpression(LambdaExpressionTree tree, Void unused) {
      if (!enclosingCalls.isEmpty()) {
        MethodInvocationTree call = enclosingCalls.get(enclosingCalls.size() - 1);
        ExpressionTree receiver = ASTHelpers.getReceiver(call);
        if (receiver != null && call.getArguments().contains(tree)) {
          for (VariableTree parameter : tree.getParameters()) {
            elementSources.put(getSymbol(parameter), receiver);
          }
        }
      }
      List<MethodInvocationTree> saved = new ArrayList<>(enclosingCalls);
      enclosingCalls.clear();
      try {
        return super.visitLambdaExpression(tree, null);
      } finally {
        enclosingCalls.addAll(saved);
      }
    }

    @Override
    public Void visitClass(ClassTree tree, Void unused) {
      return null;
    }
  }
}
