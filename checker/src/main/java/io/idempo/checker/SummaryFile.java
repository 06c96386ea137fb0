package io.idempo.checker;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The summaries of one class, written next to its class file as {@code <Class>.idempo} so that a
 * later compilation (another Maven module, an installed jar) can follow calls into it.
 *
 * <p>A text format, one record per line, fields separated by tabs; the first line names the
 * version. A reader that meets another version, or a line it does not understand, reads nothing
 * from the file: old or foreign summaries degrade to not following the call, never to a failure.
 *
 * <pre>
 * idempo-summary	1
 * impl	shop.PointServiceImpl                       (for an interface: implementations beside it)
 * method	addPoints(java.util.UUID,int)
 * returned	THIS                                     (THIS, GLOBAL, FRESH, PARAM:i)
 * write	PARAM:0	.status
 * mutation	THIS	ADD	0	`points += …`	Member.java:38	Member.earnPoints
 * </pre>
 */
final class SummaryFile {

  static final String SUFFIX = ".idempo";
  private static final String HEADER = "idempo-summary\t1";

  /** A class's summaries by method signature, and its implementations (for an interface). */
  record Contents(Map<String, MethodSummary> methods, ImmutableList<String> implementations) {
    static final Contents EMPTY = new Contents(Map.of(), ImmutableList.of());
  }

  private SummaryFile() {}

  /** {@code addPoints(java.util.UUID,int)}: name and erased parameter types. */
  static String signature(MethodSymbol method, Types types) {
    return method.getSimpleName()
        + method.getParameters().stream()
            .map(p -> types.erasure(p.type).toString())
            .collect(Collectors.joining(",", "(", ")"));
  }

  static String write(Map<String, MethodSummary> methods, List<String> implementations) {
    StringBuilder out = new StringBuilder(HEADER).append('\n');
    for (String implementation : implementations) {
      out.append("impl\t").append(escape(implementation)).append('\n');
    }
    for (Map.Entry<String, MethodSummary> entry : methods.entrySet()) {
      MethodSummary summary = entry.getValue();
      out.append("method\t").append(escape(entry.getKey())).append('\n');
      if (summary.returned() != null) {
        out.append("returned\t").append(root(summary.returned())).append('\n');
      }
      for (Place place : summary.writes()) {
        out.append("write\t").append(root(place.root())).append('\t').append(escape(place.path()));
        out.append('\n');
      }
      for (Mutation mutation : summary.mutations()) {
        out.append("mutation\t")
            .append(root(mutation.root()))
            .append('\t')
            .append(mutation.kind().name())
            .append('\t')
            .append(mutation.guardedByParameter() ? '1' : '0')
            .append('\t')
            .append(escape(mutation.what()))
            .append('\t')
            .append(escape(mutation.location()));
        for (CallStep step : mutation.chain()) {
          out.append('\t').append(escape(step.calleeName()));
        }
        out.append('\n');
      }
    }
    return out.toString();
  }

  static Contents read(String text) {
    List<String> lines = text.lines().toList();
    if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
      return Contents.EMPTY;
    }
    Map<String, Builder> methods = new LinkedHashMap<>();
    List<String> implementations = new ArrayList<>();
    Builder current = null;
    try {
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split("\t", -1);
        switch (f[0]) {
          case "impl" -> implementations.add(unescape(f[1]));
          case "method" -> {
            current = new Builder();
            methods.put(unescape(f[1]), current);
          }
          case "returned" -> current.returned = parseRoot(f[1]);
          case "write" -> current.writes.add(new Place(parseRoot(f[1]), unescape(f[2])));
          case "mutation" -> {
            ImmutableList.Builder<CallStep> chain = ImmutableList.builder();
            for (int i = 6; i < f.length; i++) {
              chain.add(CallStep.external(unescape(f[i])));
            }
            current.mutations.add(
                new Mutation(
                    parseRoot(f[1]),
                    Mutation.Kind.valueOf(f[2]),
                    unescape(f[4]),
                    null,
                    null,
                    null,
                    unescape(f[5]),
                    chain.build(),
                    f[3].equals("1")));
          }
          default -> {
            return Contents.EMPTY; // a record this version does not know
          }
        }
      }
    } catch (RuntimeException e) {
      return Contents.EMPTY; // damaged: read nothing rather than half
    }
    Map<String, MethodSummary> summaries = new LinkedHashMap<>();
    methods.forEach((signature, b) -> summaries.put(signature, b.build()));
    return new Contents(summaries, ImmutableList.copyOf(implementations));
  }

  private static final class Builder {
    @Nullable Root returned;
    final List<Place> writes = new ArrayList<>();
    final List<Mutation> mutations = new ArrayList<>();

    MethodSummary build() {
      return new MethodSummary(
          ImmutableList.copyOf(mutations), ImmutableSet.copyOf(writes), returned);
    }
  }

  private static String root(Root root) {
    return root.kind() == Root.Kind.PARAM ? "PARAM:" + root.index() : root.kind().name();
  }

  private static Root parseRoot(String text) {
    if (text.startsWith("PARAM:")) {
      return Root.param(Integer.parseInt(text.substring("PARAM:".length())));
    }
    return switch (Root.Kind.valueOf(text)) {
      case THIS -> Root.THIS;
      case GLOBAL -> Root.GLOBAL;
      case FRESH -> Root.FRESH;
      case PARAM -> throw new IllegalArgumentException(text);
    };
  }

  private static String escape(String text) {
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
  }

  private static String unescape(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length()) {
        char next = text.charAt(++i);
        out.append(next == 't' ? '\t' : next == 'n' ? '\n' : next);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
