package io.idempo.checker;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Finds SQL (or JPQL) updates that change a column relative to itself: {@code UPDATE account SET
 * balance = balance + ? WHERE id = ?}. Absolute {@code SET}s, {@code GREATEST}/{@code LEAST}
 * merges and {@code COALESCE} defaults are idempotent and pass.
 *
 * <p>An update that moves a state it also tests is a guarded transition and passes: {@code SET
 * status = 'PAID', balance = balance - ? WHERE id = ? AND status = 'NEW'}, an optimistic-lock
 * {@code … AND version = ?}, or a {@code NOT EXISTS} dedup subquery. Version columns are
 * bookkeeping and never reported.
 *
 * <p>This is a lexical analysis of one string, not a SQL parser: it is deliberately narrow.
 */
final class SqlAnalyzer {

  /** {@code UPDATE t [alias] SET}, {@code UPDATE SET} (MERGE), {@code ON DUPLICATE KEY UPDATE}. */
  private static final Pattern UPDATE_SET =
      Pattern.compile(
          "\\bUPDATE\\s+(?:(?!SET\\b)[^\\s,()]+\\s+(?:(?:AS\\s+)?(?!SET\\b)[A-Za-z_]\\w*\\s+)?)?SET\\b"
              + "|\\bON\\s+DUPLICATE\\s+KEY\\s+UPDATE\\b",
          Pattern.CASE_INSENSITIVE);

  private static final Pattern END_OF_SET =
      Pattern.compile(
          "\\b(WHERE|RETURNING|FROM|OUTPUT|ORDER|LIMIT|WHEN)\\b|;", Pattern.CASE_INSENSITIVE);

  private static final Pattern END_OF_WHERE =
      Pattern.compile("\\b(RETURNING|ORDER|LIMIT|WHEN)\\b|;", Pattern.CASE_INSENSITIVE);

  private static final Pattern IDENTIFIER =
      Pattern.compile("(?<![:@$#\\w.])([A-Za-z_][\\w$]*(?:\\s*\\.\\s*[A-Za-z_][\\w$]*)*)(\\s*\\()?");

  private static final Pattern ARITHMETIC = Pattern.compile("[+*/]|(?<!-)-(?!-)|\\|\\|");

  private static final Pattern NOT_EXISTS =
      Pattern.compile("\\bNOT\\s+EXISTS\\b", Pattern.CASE_INSENSITIVE);

  private SqlAnalyzer() {}

  /** A column changed relative to itself, with the assignment as written. */
  record RelativeUpdate(String column, String assignment) {}

  /** The unguarded self-relative column updates in {@code sql}; empty for anything else. */
  static ImmutableList<RelativeUpdate> relativeUpdates(@Nullable String sql) {
    if (sql == null || sql.length() < 10) {
      return ImmutableList.of();
    }
    String upper = sql.toUpperCase(Locale.ROOT);
    if (!upper.contains("UPDATE")) {
      return ImmutableList.of();
    }
    String text = normalize(sql);
    ImmutableList.Builder<RelativeUpdate> found = ImmutableList.builder();
    Matcher update = UPDATE_SET.matcher(text);
    while (update.find()) {
      int start = update.end();
      Matcher end = END_OF_SET.matcher(text);
      boolean more = end.find(start);
      // A WHEN inside SET a = CASE … WHEN … THEN a - ? END belongs to the CASE, not to a MERGE.
      while (more
          && end.group(1) != null
          && end.group(1).equalsIgnoreCase("WHEN")
          && openCases(text.substring(start, end.start())) > 0) {
        more = end.find(end.end());
      }
      int setEnd = more ? end.start() : text.length();
      String where = "";
      if (setEnd < text.length() && end.group(1) != null && end.group(1).equalsIgnoreCase("WHERE")) {
        Matcher whereEnd = END_OF_WHERE.matcher(text);
        int stop = whereEnd.find(end.end()) ? whereEnd.start() : text.length();
        where = text.substring(end.end(), stop);
      }
      analyzeSet(text.substring(start, setEnd), where, found);
    }
    return found.build();
  }

  private static final Pattern CASE_OR_END =
      Pattern.compile("\\b(CASE|END)\\b", Pattern.CASE_INSENSITIVE);

  /** How many {@code CASE}s are open at the end of {@code text}. */
  private static int openCases(String text) {
    int open = 0;
    Matcher m = CASE_OR_END.matcher(text);
    while (m.find()) {
      open += m.group(1).equalsIgnoreCase("CASE") ? 1 : -1;
    }
    return open;
  }

  private static void analyzeSet(
      String set, String where, ImmutableList.Builder<RelativeUpdate> found) {
    List<String[]> assignments = new ArrayList<>();
    for (String item : splitTopLevel(set)) {
      int eq = item.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      assignments.add(new String[] {lastSegment(item.substring(0, eq).trim()), item.substring(eq + 1), item.trim()});
    }
    Set<String> whereColumns = columns(where);
    boolean guarded = NOT_EXISTS.matcher(where).find();
    List<RelativeUpdate> relative = new ArrayList<>();
    for (String[] assignment : assignments) {
      String column = assignment[0];
      String value = assignment[1];
      boolean selfRelative = columns(value).contains(column) && ARITHMETIC.matcher(value).find();
      if (selfRelative) {
        if (!isBookkeeping(column) && !testsEquality(where, column)) {
          relative.add(new RelativeUpdate(column, assignment[2]));
        }
      } else if (whereColumns.contains(column)) {
        // An absolute write to a column the WHERE clause tests: a state transition.
        guarded = true;
      }
    }
    if (!guarded) {
      found.addAll(relative);
    }
  }

  private static boolean isBookkeeping(String column) {
    return column.equals("version") || column.endsWith("_version") || column.equals("row_version");
  }

  private static boolean testsEquality(String where, String column) {
    Pattern equality =
        Pattern.compile(
            "(?<![\\w$])(?:[A-Za-z_][\\w$]*\\s*\\.\\s*)?" + Pattern.quote(column) + "\\s*=\\s*(?:\\?|:[A-Za-z_]\\w*|\\d)",
            Pattern.CASE_INSENSITIVE);
    return equality.matcher(where).find();
  }

  /** Lower-cased last segments of the column references in an expression, without function names. */
  private static Set<String> columns(String expression) {
    Set<String> columns = new HashSet<>();
    Matcher identifier = IDENTIFIER.matcher(expression);
    while (identifier.find()) {
      if (identifier.group(2) != null) {
        continue; // a function name such as COALESCE(
      }
      String name = identifier.group(1);
      String qualifier = name.contains(".") ? name.substring(0, name.indexOf('.')).trim() : "";
      if (qualifier.equalsIgnoreCase("excluded") || qualifier.equalsIgnoreCase("new")) {
        continue; // the incoming row of an upsert, not the stored value
      }
      columns.add(lastSegment(name));
    }
    return columns;
  }

  private static String lastSegment(String name) {
    int dot = name.lastIndexOf('.');
    return name.substring(dot + 1).trim().toLowerCase(Locale.ROOT);
  }

  private static List<String> splitTopLevel(String list) {
    List<String> items = new ArrayList<>();
    int depth = 0;
    int from = 0;
    for (int i = 0; i < list.length(); i++) {
      char c = list.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        items.add(list.substring(from, i));
        from = i + 1;
      }
    }
    items.add(list.substring(from));
    return items;
  }

  /**
   * Blanks out string literals, comments and placeholders ({@code #{x}}, {@code ${x}}), and
   * removes identifier quotes, so that names can be compared.
   */
  private static String normalize(String sql) {
    String text = sql.replaceAll("--[^\\n]*", " ").replaceAll("(?s)/\\*.*?\\*/", " ");
    text = text.replaceAll("'(?:[^']|'')*'", "'?'");
    text = text.replaceAll("[#$]\\{[^}]*}", "?");
    text = text.replaceAll("[\"`\\[\\]]", "");
    return text.replaceAll("\\s+", " ");
  }
}
