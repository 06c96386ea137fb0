package io.idempo.checker;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.api.JavacTrees;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.comp.AttrContext;
import com.sun.tools.javac.comp.Enter;
import com.sun.tools.javac.comp.Env;
import com.sun.tools.javac.tree.JCTree.JCClassDecl;
import com.sun.tools.javac.tree.JCTree.JCMethodDecl;
import com.sun.tools.javac.util.Name;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.tools.FileObject;
import javax.tools.JavaFileManager;
import javax.tools.StandardLocation;
import org.jspecify.annotations.Nullable;

/**
 * Computes and caches {@link MethodSummary method summaries} for one compilation.
 *
 * <p>Each method body in the compilation is summarized at most once and the summary is reused by
 * every handler and caller that reaches it. Bodies are found through {@link JavacTrees}: with
 * Error Prone's {@code -XDcompilePolicy=simple}, every class of the compilation is attributed
 * before any is checked, so the trees of other classes are available and still unlowered.
 *
 * <p>A method that is reached again while its summary is being computed (recursion, a cycle in the
 * call graph) contributes nothing at the inner call, so the analysis always terminates.
 */
final class MethodSummarizer {

  /** How many summaries may be computing at once, one inside the other. */
  private static final int MAX_NESTING = 48;

  /** Per-compilation maps are sized for a module of a few thousand methods: growing costs more. */
  private static final int METHODS = 4096;

  private static final int CLASSES = 1024;

  private final BugChecker checker;
  private final NonIdempotentMutationConfig config;
  private final Handlers handlers;
  private final VisitorState state;
  private final JavacTrees trees;
  private final Map<MethodSymbol, MethodSummary> summaries = new HashMap<>(METHODS);
  private final Set<MethodSymbol> inProgress = new HashSet<>();
  private final Map<MethodSymbol, ImmutableList<MethodSymbol>> implementations = new HashMap<>();
  private final Map<ClassSymbol, SummaryFile.Contents> external = new HashMap<>();
  private final Map<ClassSymbol, Boolean> analyzableClasses = new HashMap<>(CLASSES);
  private final Map<Symbol, Boolean> jdkClasses = new HashMap<>(CLASSES);
  private final Map<Symbol, Boolean> isHandler = new HashMap<>(METHODS);
  private final IdentityHashMap<Name, String> names = new IdentityHashMap<>(METHODS);
  private final Map<Symbol, Boolean> singleMethodInterfaces = new HashMap<>();
  private @Nullable Map<Symbol.TypeSymbol, List<ClassSymbol>> concreteSubclasses;
  private final Set<Symbol.TypeSymbol> sortedSubclasses = new HashSet<>();
  private @Nullable MetricsOnly metricsOnly;
  private @Nullable MapperXml mapperXml;

  MethodSummarizer(
      BugChecker checker, NonIdempotentMutationConfig config, Handlers handlers, VisitorState state) {
    this.checker = checker;
    this.config = config;
    this.handlers = handlers;
    this.state = state;
    this.trees = JavacTrees.instance(state.context);
  }

  NonIdempotentMutationConfig config() {
    return config;
  }

  /** The MyBatis XML mappers on the class path. */
  MapperXml mapperXml() {
    if (mapperXml == null) {
      mapperXml = MapperXml.load(state);
    }
    return mapperXml;
  }

  /** Whether the method is a message handler: its parameters are the message. */
  boolean isHandler(MethodSymbol method) {
    // Asked of every method by matchMethod, again by export and for each analysed body.
    return isHandler.computeIfAbsent(method, m -> handlers.isHandler((MethodSymbol) m, state));
  }

  /** Which counter fields of this compilation only feed logs and metrics. */
  MetricsOnly metricsOnly() {
    if (metricsOnly == null) {
      metricsOnly = new MetricsOnly(state);
    }
    return metricsOnly;
  }

  /** The summary of a method whose declaration is at {@code path} (a handler being checked). */
  MethodSummary summarize(MethodSymbol method, TreePath path) {
    MethodSummary cached = summaries.get(method);
    if (cached != null) {
      return cached;
    }
    return compute(method, path);
  }

  /**
   * The summary of a method called from checked code, or {@link MethodSummary#EMPTY} when its body
   * is not in this compilation, is excluded, is generated, or is being summarized already.
   */
  MethodSummary summarize(MethodSymbol method) {
    MethodSummary cached = summaries.get(method);
    if (cached != null) {
      return cached;
    }
    if (isJdk(method.owner)) {
      // No summaries are written for the JDK: its calls are read by the patterns at the call.
      summaries.put(method, MethodSummary.EMPTY);
      return MethodSummary.EMPTY;
    }
    if (isImplicitRecordAccessor(method)
        && method.owner instanceof ClassSymbol record
        && isAnalyzableClass(record)) {
      return accessorSummary(method);
    }
    if (inProgress.contains(method) || !isAnalyzable(method)) {
      return MethodSummary.EMPTY;
    }
    if (inProgress.size() >= MAX_NESTING) {
      // A chain of calls this long is far beyond any MaxCallDepth; stop before javac's stack does.
      return MethodSummary.EMPTY;
    }
    TreePath path = pathOf(method);
    if (path == null) {
      // Compiled earlier (another module, a jar): what its own compilation wrote beside it.
      MethodSummary external = externalSummary(method);
      summaries.put(method, external);
      return external;
    }
    return compute(method, path);
  }

  /**
   * Writes the summaries of the class at {@code classPath} beside its class file ({@link
   * SummaryFile}), so that compilations that have it on their class path follow calls into it.
   */
  void export(TreePath classPath) {
    ClassTree tree = (ClassTree) classPath.getLeaf();
    ClassSymbol type = ((JCClassDecl) tree).sym;
    if (type == null
        || type.isAnonymous()
        || !(type.owner instanceof Symbol.PackageSymbol || type.owner instanceof ClassSymbol)) {
      return;
    }
    for (Symbol s = type; s instanceof ClassSymbol; s = s.owner) {
      if (config.isExcluded(((ClassSymbol) s).getQualifiedName().toString()) || isGenerated(s)) {
        return;
      }
    }
    // Only what another module can call: public classes, and not the handlers' own classes, which
    // frameworks call and nothing else does. Each file costs a write, like a class file.
    if ((type.flags() & Flags.PUBLIC) == 0) {
      return;
    }
    List<MethodSymbol> candidates = new ArrayList<>();
    for (Tree member : tree.getMembers()) {
      if (member instanceof MethodTree methodTree && methodTree.getBody() != null) {
        // Read the field: code javac could not attribute has no symbol, and getSymbol throws.
        MethodSymbol method = ((JCMethodDecl) methodTree).sym;
        if (method == null) {
          continue;
        }
        if (isHandler(method)) {
          return;
        }
        // A record's implicit accessor needs no summary: a call without one returns what hangs
        // from the receiver, which is what the accessor returns. Nor does a constructor: the
        // check follows calls, not `new`, so no caller reads a constructor's summary.
        if ((method.flags() & Flags.PRIVATE) == 0
            && !method.isConstructor()
            && !isImplicitRecordAccessor(method)) {
          candidates.add(method);
        }
      }
    }
    Map<String, MethodSummary> methods = new LinkedHashMap<>();
    for (Tree member : tree.getMembers()) {
      if (member instanceof MethodTree methodTree && methodTree.getBody() != null) {
        MethodSymbol method = ((JCMethodDecl) methodTree).sym;
        if (!candidates.contains(method) || !isAnalyzable(method)) {
          continue;
        }
        MethodSummary summary;
        try {
          summary = summarize(method, new TreePath(classPath, methodTree));
        } catch (RuntimeException e) {
          continue; // a body the check cannot read in full is not exported
        }
        if (!summary.mutations().isEmpty()
            || !summary.writes().isEmpty()
            || (summary.returned() != null && summary.returned().isLasting())) {
          methods.put(SummaryFile.signature(method, state.getTypes()), summary);
        }
      }
    }
    List<String> implementations = new ArrayList<>();
    if ((type.flags() & (Flags.ABSTRACT | Flags.INTERFACE)) != 0) {
      for (ClassSymbol candidate : concreteSubclassesOf(type)) {
        implementations.add(candidate.getQualifiedName().toString());
      }
    }
    if (methods.isEmpty() && implementations.isEmpty()) {
      return;
    }
    JavaFileManager fileManager = state.context.get(JavaFileManager.class);
    if (fileManager == null || !fileManager.hasLocation(StandardLocation.CLASS_OUTPUT)) {
      return; // no class output directory (no -d): nowhere beside the class files to write
    }
    try {
      FileObject file =
          fileManager.getFileForOutput(
              StandardLocation.CLASS_OUTPUT, packageName(type), relativeName(type), null);
      try (Writer out = file.openWriter()) {
        out.write(SummaryFile.write(methods, implementations));
      }
    } catch (IOException | RuntimeException e) {
      // No class output (a syntax-only run): nothing to export.
    }
  }

  private MethodSummary externalSummary(MethodSymbol method) {
    if (!(method.owner instanceof ClassSymbol owner)) {
      return MethodSummary.EMPTY;
    }
    MethodSummary summary =
        externalContents(owner).methods().get(SummaryFile.signature(method, state.getTypes()));
    return summary == null ? MethodSummary.EMPTY : summary;
  }

  private SummaryFile.Contents externalContents(ClassSymbol owner) {
    return external.computeIfAbsent(owner, this::readContents);
  }

  private SummaryFile.Contents readContents(ClassSymbol owner) {
    if (isJdk(owner)) {
      return SummaryFile.Contents.EMPTY;
    }
    JavaFileManager fileManager = state.context.get(JavaFileManager.class);
    if (fileManager == null) {
      return SummaryFile.Contents.EMPTY;
    }
    try {
      FileObject file =
          fileManager.getFileForInput(
              StandardLocation.CLASS_PATH, packageName(owner), relativeName(owner));
      return file == null
          ? SummaryFile.Contents.EMPTY
          : SummaryFile.read(file.getCharContent(true).toString());
    } catch (IOException | RuntimeException e) {
      return SummaryFile.Contents.EMPTY;
    }
  }

  private static String packageName(ClassSymbol type) {
    return ASTHelpers.enclosingPackage(type).getQualifiedName().toString();
  }

  /** {@code Outer$Inner.idempo}: the class file's name with the summary's suffix. */
  private static String relativeName(ClassSymbol type) {
    String flat = type.flatName().toString();
    String pkg = packageName(type);
    return (pkg.isEmpty() ? flat : flat.substring(pkg.length() + 1)) + SummaryFile.SUFFIX;
  }

  private MethodSummary compute(MethodSymbol method, TreePath path) {
    if (isImplicitRecordAccessor(method)) {
      return accessorSummary(method);
    }
    inProgress.add(method);
    MethodSummary summary;
    try {
      summary = MethodBodyAnalyzer.analyze(this, checker, path, state.withPath(path));
    } finally {
      inProgress.remove(method);
    }
    summaries.put(method, summary);
    return summary;
  }

  /**
   * javac's own {@code return this.component;}: no write, and what it returns hangs from the
   * record, as the analysis would find at many times the cost (a record per event is common).
   */
  private MethodSummary accessorSummary(MethodSymbol method) {
    MethodSummary accessor =
        new MethodSummary(
            ImmutableList.of(),
            ImmutableSet.of(),
            method.getReturnType().isPrimitiveOrVoid() ? Root.FRESH : Root.THIS);
    summaries.put(method, accessor);
    return accessor;
  }

  /** An accessor javac generated for a record component the source does not declare itself. */
  private static boolean isImplicitRecordAccessor(MethodSymbol method) {
    return (method.flags() & Flags.GENERATED_MEMBER) != 0
        && (method.owner.flags() & Flags.RECORD) != 0
        && method.getParameters().isEmpty()
        && !method.isConstructor();
  }

  /**
   * The methods a call to {@code callee} may run whose bodies the check can read: the callee itself
   * when it has a body here, or else every implementation among the classes of this compilation
   * (a listener that dispatches to a list of observers reaches each of them). An interface's
   * default method is both: the classes that override it run theirs, the others run the default,
   * which is also the target when the compilation holds no class implementing the interface.
   */
  ImmutableList<MethodSymbol> targets(MethodSymbol callee) {
    if ((callee.flags() & Flags.ABSTRACT) == 0) {
      return ImmutableList.of(callee);
    }
    if (isJdk(callee.owner) && !isSingleMethodInterface(callee.owner)) {
      // Map.put, List.add, Iterator.next: the patterns at the call read them; an application's own
      // Map is rare. Runnable, Consumer, Comparator and other one-method interfaces are followed
      // into the compilation's implementations like any interface.
      return hasBody(callee) ? ImmutableList.of(callee) : ImmutableList.of();
    }
    return implementations.computeIfAbsent(callee, this::findImplementations);
  }

  /**
   * The text of a javac name, converted once per compilation: javac 17 decodes a name's bytes
   * again on every {@code toString()}.
   */
  String text(Name name) {
    return names.computeIfAbsent(name, Name::toString);
  }

  /** Whether {@code owner} is a class of the JDK, whose bodies the check never reads. */
  boolean isJdk(Symbol owner) {
    return owner instanceof ClassSymbol type
        && jdkClasses.computeIfAbsent(
            type, t -> Vocabulary.isJdk(((ClassSymbol) t).getQualifiedName().toString()));
  }

  /**
   * An interface that declares one abstract method besides {@code Object}'s ({@code Comparator}
   * redeclares {@code equals}): a functional interface, annotated so or not.
   */
  private boolean isSingleMethodInterface(Symbol owner) {
    return singleMethodInterfaces.computeIfAbsent(
        owner,
        t -> {
          if (!t.isInterface()) {
            return false;
          }
          int abstractMethods = 0;
          for (Symbol member : ASTHelpers.getEnclosedElements(t)) {
            if (member instanceof MethodSymbol m
                && (m.flags() & (Flags.ABSTRACT | Flags.DEFAULT)) == Flags.ABSTRACT
                && !Vocabulary.isObjectMethodName(m.getSimpleName().toString())) {
              abstractMethods++;
            }
          }
          return abstractMethods == 1;
        });
  }

  /** Whether a method has a body: not abstract, or a default method (which javac marks abstract). */
  private static boolean hasBody(MethodSymbol method) {
    return (method.flags() & Flags.ABSTRACT) == 0 || (method.flags() & Flags.DEFAULT) != 0;
  }

  private ImmutableList<MethodSymbol> findImplementations(MethodSymbol callee) {
    Set<MethodSymbol> found = new LinkedHashSet<>();
    if (!(callee.owner instanceof ClassSymbol owner)) {
      return ImmutableList.of();
    }
    for (ClassSymbol type : concreteSubclassesOf(owner)) {
      MethodSymbol implementation = callee.implementation(type, state.getTypes(), true);
      if (implementation != null && hasBody(implementation)) {
        found.add(implementation);
      }
    }
    if (found.isEmpty()) {
      // An interface of an earlier module: the implementations its compilation listed.
      for (String name : externalContents(owner).implementations()) {
        Symbol type = state.getSymbolFromString(name);
        if (type instanceof ClassSymbol implementationType) {
          MethodSymbol implementation =
              callee.implementation(implementationType, state.getTypes(), true);
          if (implementation != null && hasBody(implementation)) {
            found.add(implementation);
          }
        }
      }
    }
    if (found.isEmpty() && hasBody(callee)) {
      found.add(callee);
    }
    return ImmutableList.copyOf(found);
  }

  /**
   * The concrete classes of this compilation that extend or implement {@code type}, ordered by
   * name, so that findings come out the same in every run. Indexed once per compilation: a
   * handler's calls ask it for every interface or abstract method they reach.
   */
  private List<ClassSymbol> concreteSubclassesOf(ClassSymbol type) {
    if (concreteSubclasses == null) {
      concreteSubclasses = indexConcreteSubclasses();
    }
    List<ClassSymbol> subclasses = concreteSubclasses.get(type);
    if (subclasses == null) {
      return List.of();
    }
    if (!sortedSubclasses.contains(type)) {
      // Sorted when first asked for: most supertypes (Object, Record, Serializable) never are.
      subclasses.sort(Comparator.comparing((ClassSymbol c) -> c.flatName().toString()));
      sortedSubclasses.add(type);
    }
    return subclasses;
  }

  /**
   * Every supertype of the concrete classes declared in this compilation's sources, with those
   * classes. Read from javac's table of class environments, which holds the source classes only
   * (the symbol table also holds every class read from the class path, many times more to walk).
   */
  private Map<Symbol.TypeSymbol, List<ClassSymbol>> indexConcreteSubclasses() {
    List<ClassSymbol> sourceClasses = new ArrayList<>();
    for (Env<AttrContext> env : Enter.instance(state.context).getEnvs()) {
      if (env.tree instanceof JCClassDecl declaration && declaration.sym != null) {
        sourceClasses.add(declaration.sym);
      }
    }
    // Copied first: reading supertypes can complete symbols, and so enter into the table.
    Map<Symbol.TypeSymbol, List<ClassSymbol>> index = new HashMap<>(CLASSES);
    for (ClassSymbol candidate : sourceClasses) {
      if ((candidate.flags() & (Flags.ABSTRACT | Flags.INTERFACE)) != 0) {
        continue;
      }
      for (Type supertype : state.getTypes().closure(candidate.type)) {
        if (supertype.tsym != candidate) {
          index.computeIfAbsent(supertype.tsym, t -> new ArrayList<>()).add(candidate);
        }
      }
    }
    return index;
  }

  /** Whether the check may read the method's body: not excluded, generated or suppressed. */
  boolean isAnalyzable(MethodSymbol method) {
    return method.owner instanceof ClassSymbol owner
        && isAnalyzableClass(owner)
        && !isSuppressed(method);
  }

  /** Whether no class from {@code type} outwards is excluded, generated or suppressed. */
  private boolean isAnalyzableClass(ClassSymbol type) {
    Boolean known = analyzableClasses.get(type);
    if (known == null) {
      known =
          !config.isExcluded(type.getQualifiedName().toString())
              && !isGenerated(type)
              && !isSuppressed(type)
              && (!(type.owner instanceof ClassSymbol outer) || isAnalyzableClass(outer));
      analyzableClasses.put(type, known);
    }
    return known;
  }

  /**
   * Whether {@code @SuppressWarnings} on the symbol itself turns the check off. A symbol without
   * annotations is not asked of Error Prone, whose answer builds suppression sets each time.
   */
  private boolean isSuppressed(Symbol symbol) {
    return !symbol.getRawAttributes().isEmpty() && checker.isSuppressed(symbol, state);
  }

  static boolean isGenerated(Symbol symbol) {
    return symbol.getAnnotationMirrors().stream()
        .anyMatch(a -> a.getAnnotationType().asElement().getSimpleName().contentEquals("Generated"));
  }

  private @Nullable TreePath pathOf(MethodSymbol method) {
    TreePath path;
    try {
      path = trees.getPath(method);
    } catch (RuntimeException e) {
      return null;
    }
    if (path == null) {
      return null;
    }
    Tree leaf = path.getLeaf();
    if (!(leaf instanceof MethodTree methodTree) || methodTree.getBody() == null) {
      return null;
    }
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof ClassTree classTree && ASTHelpers.getSymbol(classTree) == null) {
        return null;
      }
    }
    return path;
  }
}
