package io.idempo.checker;

import com.google.common.collect.ImmutableList;
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
import com.sun.tools.javac.code.Symtab;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.tools.JavaFileObject;
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

  private final BugChecker checker;
  private final NonIdempotentMutationConfig config;
  private final Handlers handlers;
  private final VisitorState state;
  private final JavacTrees trees;
  private final Map<MethodSymbol, MethodSummary> summaries = new HashMap<>();
  private final Set<MethodSymbol> inProgress = new HashSet<>();
  private final Map<MethodSymbol, ImmutableList<MethodSymbol>> implementations = new HashMap<>();
  private @Nullable List<ClassSymbol> sourceClasses;
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
    return handlers.isHandler(method, state);
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
    if (inProgress.contains(method) || !isAnalyzable(method)) {
      return MethodSummary.EMPTY;
    }
    TreePath path = pathOf(method);
    if (path == null) {
      summaries.put(method, MethodSummary.EMPTY);
      return MethodSummary.EMPTY;
    }
    return compute(method, path);
  }

  private MethodSummary compute(MethodSymbol method, TreePath path) {
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
   * The methods a call to {@code callee} may run whose bodies the check can read: the callee itself
   * when it has a body here, or else every implementation among the classes of this compilation
   * (a listener that dispatches to a list of observers reaches each of them).
   */
  ImmutableList<MethodSymbol> targets(MethodSymbol callee) {
    if ((callee.flags() & Flags.ABSTRACT) == 0) {
      return ImmutableList.of(callee);
    }
    return implementations.computeIfAbsent(callee, this::findImplementations);
  }

  private ImmutableList<MethodSymbol> findImplementations(MethodSymbol callee) {
    Set<MethodSymbol> found = new LinkedHashSet<>();
    Symbol owner = callee.owner;
    if (!(owner instanceof ClassSymbol)) {
      return ImmutableList.of();
    }
    for (ClassSymbol type : sourceClasses()) {
      if (type == owner
          || (type.flags() & (Flags.ABSTRACT | Flags.INTERFACE)) != 0
          || !type.isSubClass(owner, state.getTypes())) {
        continue;
      }
      MethodSymbol implementation = callee.implementation(type, state.getTypes(), true);
      if (implementation != null
          && implementation != callee
          && (implementation.flags() & Flags.ABSTRACT) == 0) {
        found.add(implementation);
      }
    }
    return ImmutableList.copyOf(found);
  }

  private List<ClassSymbol> sourceClasses() {
    if (sourceClasses == null) {
      // Copy first: looking trees up must not run while javac's class table is being iterated.
      List<ClassSymbol> all = new ArrayList<>();
      Symtab.instance(state.context).getAllClasses().forEach(all::add);
      List<ClassSymbol> classes = new ArrayList<>();
      for (ClassSymbol type : all) {
        if (type.sourcefile != null
            && type.sourcefile.getKind() == JavaFileObject.Kind.SOURCE
            && trees.getTree(type) != null) {
          classes.add(type);
        }
      }
      sourceClasses = classes;
    }
    return sourceClasses;
  }

  /** Whether the check may read the method's body: not excluded, generated or suppressed. */
  boolean isAnalyzable(MethodSymbol method) {
    for (Symbol s = method.owner; s instanceof ClassSymbol; s = s.owner) {
      if (config.isExcluded(((ClassSymbol) s).getQualifiedName().toString())
          || isGenerated(s)
          || checker.isSuppressed(s, state)) {
        return false;
      }
    }
    return !checker.isSuppressed(method, state);
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
