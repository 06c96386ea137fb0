package io.idempo.checker;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.ClassTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.MethodTreeMatcher;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.util.Context;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.inject.Inject;
import org.jspecify.annotations.Nullable;

/**
 * Flags read-modify-writes of lasting state in message handlers: writes that a redelivery of the
 * same message would apply a second time.
 *
 * <p>A handler is a method annotated {@code @io.idempo.IdempotentHandler} (or one of the {@code
 * HandlerAnnotations}), or an implementation of one of the {@code HandlerMethods}. The check reads
 * the handler's body, its lambdas, and the bodies of the methods it calls that are compiled in the
 * same build, down to {@code MaxCallDepth} calls. See {@code docs/checks/NonIdempotentMutation.md}.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary = "Make message handlers idempotent: do not read-modify-write lasting state",
    severity = WARNING,
    linkType = CUSTOM,
    link = "https://github.com/idempo/idempo/blob/main/docs/checks/NonIdempotentMutation.md")
public final class NonIdempotentMutation extends BugChecker
    implements MethodTreeMatcher, ClassTreeMatcher {

  private static final long serialVersionUID = 1L;

  private final transient NonIdempotentMutationConfig config;
  private final transient Handlers handlers;

  /** Per-compilation state: the summaries and what has been reported already. */
  private transient @Nullable Context context;

  private transient @Nullable MethodSummarizer summarizer;
  private transient Set<Tree> reported = Collections.newSetFromMap(new IdentityHashMap<>());

  /** For the service loader; uses no flags. */
  public NonIdempotentMutation() {
    this(ErrorProneFlags.empty());
  }

  /**
   * Reads the {@code -XepOpt:NonIdempotentMutation:…} flags.
   *
   * @throws IllegalArgumentException if a flag is unknown or malformed
   */
  @Inject
  public NonIdempotentMutation(ErrorProneFlags flags) {
    this.config = NonIdempotentMutationConfig.fromFlags(flags);
    this.handlers = new Handlers(config);
  }

  /**
   * Writes the class's method summaries beside its class file, so that a later compilation (the
   * next Maven module, a project using this one as a jar) follows calls into it.
   */
  @Override
  public Description matchClass(ClassTree tree, VisitorState state) {
    summarizer(state).export(state.getPath());
    return Description.NO_MATCH;
  }

  @Override
  public Description matchMethod(MethodTree tree, VisitorState state) {
    MethodSymbol handler = ASTHelpers.getSymbol(tree);
    if (tree.getBody() == null) {
      return Description.NO_MATCH;
    }
    MethodSummarizer summaries = summarizer(state);
    if (!summaries.isHandler(handler)) {
      return Description.NO_MATCH;
    }
    if (!summaries.isAnalyzable(handler)) {
      return Description.NO_MATCH;
    }
    MethodSummary summary = summaries.summarize(handler, state.getPath());
    Map<Tree, List<Mutation>> byReportSite = new LinkedHashMap<>();
    for (Mutation mutation : summary.mutations()) {
      if (mutation.guardedByParameter()) {
        continue; // cannot happen for a handler's own summary; kept for safety
      }
      byReportSite.computeIfAbsent(reportSite(mutation, handler, state), t -> new ArrayList<>()).add(mutation);
    }
    for (Map.Entry<Tree, List<Mutation>> site : byReportSite.entrySet()) {
      if (reported.add(site.getKey())) {
        state.reportMatch(
            buildDescription(site.getKey())
                .setMessage(message(site.getValue(), handler, state))
                .build());
      }
    }
    return Description.NO_MATCH;
  }

  private MethodSummarizer summarizer(VisitorState state) {
    if (summarizer == null || context != state.context) {
      context = state.context;
      summarizer = new MethodSummarizer(this, config, handlers, state);
      reported = Collections.newSetFromMap(new IdentityHashMap<>());
    }
    return summarizer;
  }

  /**
   * Where a mutation is reported: where it is when it is in the handler's own class (also in a
   * helper method of that class), else at the handler's call that leads to it.
   */
  private static Tree reportSite(Mutation mutation, MethodSymbol handler, VisitorState state) {
    Tree at = mutation.chain().isEmpty() || inHandlerClass(mutation, handler, state)
        ? mutation.tree()
        : mutation.chain().get(0).callSite();
    // A handler's summary starts every chain with a call in the handler, so a site is known.
    return at == null ? state.getPath().getLeaf() : at;
  }

  private static boolean inHandlerClass(Mutation mutation, MethodSymbol handler, VisitorState state) {
    return mutation.unit() == state.getPath().getCompilationUnit()
        && mutation.method() != null
        && outermost(mutation.method()) == outermost(handler);
  }

  private static ClassSymbol outermost(Symbol symbol) {
    return ASTHelpers.outermostClass(symbol);
  }

  private static String message(List<Mutation> mutations, MethodSymbol handler, VisitorState state) {
    Mutation first = mutations.get(0);
    StringBuilder message = new StringBuilder();
    if (first.chain().isEmpty()) {
      message.append(first.what());
    } else if (inHandlerClass(first, handler, state)) {
      message
          .append(first.what())
          .append(" (reached from handler `")
          .append(handler.getSimpleName())
          .append("` through ")
          .append(chain(first))
          .append(")");
    } else {
      message
          .append("this call reaches ")
          .append(first.what())
          .append(" through ")
          .append(chain(first))
          .append(" at ")
          .append(first.location())
          .append(", which");
    }
    message
        .append(" ")
        .append(first.kind().consequence())
        .append(" on every redelivery of this message; ")
        .append(first.kind().remedy());
    List<String> more = new ArrayList<>();
    for (Mutation other : mutations.subList(1, mutations.size())) {
      String named = other.what() + " at " + other.location();
      if (!more.contains(named) && !named.equals(first.what() + " at " + first.location())) {
        more.add(named);
      }
    }
    if (!more.isEmpty()) {
      message
          .append(" (")
          .append(more.size())
          .append(" more read-modify-write")
          .append(more.size() > 1 ? "s" : "")
          .append(" on the same path: ")
          .append(String.join(", ", more))
          .append(")");
    }
    return message.toString();
  }

  private static String chain(Mutation mutation) {
    return mutation.chain().stream()
        .map(step -> "`" + step.calleeName() + "`")
        .collect(Collectors.joining(" → "));
  }
}
