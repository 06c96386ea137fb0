package io.idempo.benchmarks.compile;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Generates the compile-time suite's corpus: for each handler, an event record and a handler class
 * with one {@code @IdempotentHandler(key = "event.id")} method, in ten packages. The handlers look
 * like ordinary application code: a map of state, a guard, a log line, some return a value. One in
 * ten updates a field with {@code +=}, the pattern {@code NonIdempotentMutation} reports, so the
 * check has real findings to make; the others are idempotent.
 */
public final class HandlerCorpus {

  /** The number of handlers the suite compiles. */
  public static final int DEFAULT_HANDLERS = 500;

  /** One source file. */
  public static final class Source {
    private final String className;
    private final String text;

    public Source(String className, String text) {
      this.className = className;
      this.text = text;
    }

    /** The fully qualified class name. */
    public String className() {
      return className;
    }

    /** The file's text. */
    public String text() {
      return text;
    }

    /** The path of the file relative to a source root. */
    public String path() {
      return className.replace('.', '/') + ".java";
    }
  }

  private HandlerCorpus() {}

  /** How many of {@code handlers} handlers update a field with {@code +=}. */
  public static int mutatingHandlers(int handlers) {
    int count = 0;
    for (int i = 0; i < handlers; i++) {
      if (mutates(i)) {
        count++;
      }
    }
    return count;
  }

  private static boolean mutates(int i) {
    return i % 10 == 7;
  }

  /** The sources for {@code handlers} handlers: two files per handler. */
  public static List<Source> generate(int handlers) {
    if (handlers <= 0) {
      throw new IllegalArgumentException("handlers must be positive, was " + handlers);
    }
    List<Source> sources = new ArrayList<>(2 * handlers);
    for (int i = 0; i < handlers; i++) {
      String pkg = String.format(Locale.ROOT, "corpus.p%d", i % 10);
      String n = String.format(Locale.ROOT, "%04d", i);
      sources.add(new Source(pkg + ".Event" + n, event(pkg, n, i)));
      sources.add(new Source(pkg + ".Handler" + n, handler(pkg, n, i)));
    }
    return sources;
  }

  private static String event(String pkg, String n, int i) {
    String extra = i % 3 == 0 ? ", java.time.Instant at" : "";
    return "package "
        + pkg
        + ";\n\n"
        + "/** Event "
        + n
        + ". */\n"
        + "public record Event"
        + n
        + "(String id, String account, long amount"
        + extra
        + ") {\n"
        + "  public Event"
        + n
        + " {\n"
        + "    java.util.Objects.requireNonNull(id, \"id\");\n"
        + "  }\n"
        + "}\n";
  }

  private static String handler(String pkg, String n, int i) {
    boolean returnsValue = i % 2 == 1;
    boolean mutates = mutates(i);
    StringBuilder s = new StringBuilder();
    s.append("package ").append(pkg).append(";\n\n");
    s.append("import io.idempo.IdempotentHandler;\n");
    s.append("import java.util.Map;\n");
    s.append("import java.util.concurrent.ConcurrentHashMap;\n");
    s.append("import java.util.logging.Logger;\n\n");
    s.append("/** Handles {@link Event").append(n).append("}. */\n");
    s.append("public class Handler").append(n).append(" {\n");
    s.append("  private static final Logger LOG = Logger.getLogger(Handler")
        .append(n)
        .append(".class.getName());\n\n");
    s.append("  private final Map<String, Long> balances = new ConcurrentHashMap<>();\n");
    if (mutates) {
      s.append("  private long total;\n");
    }
    s.append('\n');
    s.append("  @IdempotentHandler(key = \"event.id\")\n");
    s.append("  public ")
        .append(returnsValue ? "String" : "void")
        .append(" handle(Event")
        .append(n)
        .append(" event) {\n");
    s.append("    if (event.amount() < 0) {\n");
    s.append("      throw new IllegalArgumentException(\"negative amount in \" + event.id());\n");
    s.append("    }\n");
    s.append("    balances.put(event.account(), event.amount());\n");
    if (mutates) {
      s.append("    total += event.amount();\n");
    }
    s.append("    LOG.fine(() -> \"handled \" + event.id());\n");
    if (returnsValue) {
      s.append("    return event.account() + \":\" + event.amount();\n");
    }
    s.append("  }\n\n");
    s.append("  /** The balance recorded for {@code account}, or zero. */\n");
    s.append("  public long balance(String account) {\n");
    s.append("    return balances.getOrDefault(account, 0L);\n");
    s.append("  }\n");
    s.append("}\n");
    return s.toString();
  }
}
