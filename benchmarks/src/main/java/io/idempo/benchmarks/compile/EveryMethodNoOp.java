package io.idempo.benchmarks.compile;

import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.errorprone.BugPattern;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.MethodTreeMatcher;
import com.google.errorprone.matchers.Description;
import com.sun.source.tree.MethodTree;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An Error Prone check that is handed every method and reports nothing: the floor of any check that
 * looks at methods, enabled on its own. The compile suite's {@code errorprone+noop} variant enables
 * it, so that {@code NonIdempotentMutation}'s own work is measured against it, apart from what
 * enabling any check costs Error Prone. Like every plugin check, it is off unless enabled by name.
 */
@BugPattern(
    summary = "Reports nothing: the compile benchmark's floor for one enabled method check",
    severity = WARNING)
public final class EveryMethodNoOp extends BugChecker implements MethodTreeMatcher {

  private static final long serialVersionUID = 1L;

  /** How many methods it was handed in this JVM: the proof that a compilation enabled it. */
  private static final AtomicLong METHODS_SEEN = new AtomicLong();

  static long methodsSeen() {
    return METHODS_SEEN.get();
  }

  @Override
  public Description matchMethod(MethodTree tree, VisitorState state) {
    METHODS_SEEN.incrementAndGet();
    return Description.NO_MATCH;
  }
}
