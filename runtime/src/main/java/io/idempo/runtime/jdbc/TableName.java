package io.idempo.runtime.jdbc;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A validated SQL table name, optionally schema-qualified: the only text the idempotency store and
 * the outbox ever put into SQL that is not a bound parameter.
 *
 * <p>Each part starts with an ASCII letter or underscore, continues with ASCII letters, digits or
 * underscores, and is at most {@value #MAX_PART_LENGTH} characters long (so that index names, the
 * table name plus a suffix of at most 15 characters such as {@code _expires_at_idx}, fit
 * PostgreSQL's 63-character limit). Names are unquoted, so the database folds their case as usual
 * (PostgreSQL to lower case, H2 to upper case).
 */
public final class TableName {

  /** The longest schema or table part accepted. */
  public static final int MAX_PART_LENGTH = 48;

  private static final String PART = "[A-Za-z_][A-Za-z0-9_]{0," + (MAX_PART_LENGTH - 1) + "}";
  private static final Pattern VALID = Pattern.compile("(?:" + PART + "\\.)?" + PART);

  private final String schema;
  private final String table;

  private TableName(String schema, String table) {
    this.schema = schema;
    this.table = table;
  }

  /** Validates the name of an idempotency table. */
  static TableName of(String name) {
    return of("idempotency", name);
  }

  /**
   * Validates {@code name}, the name of a table that holds {@code role} rows ("outbox", say; used
   * in error messages).
   *
   * @throws IllegalArgumentException naming the problem, if it is not a plain SQL identifier
   */
  public static TableName of(String role, String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(role + " table name must not be empty");
    }
    if (!VALID.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "invalid "
              + role
              + " table name '"
              + printable(name)
              + "': use [schema.]table, each part starting with a letter or underscore, followed"
              + " by letters, digits or underscores, at most "
              + MAX_PART_LENGTH
              + " characters; quotes, spaces and other characters are refused");
    }
    int dot = name.indexOf('.');
    return dot < 0
        ? new TableName(null, name)
        : new TableName(name.substring(0, dot), name.substring(dot + 1));
  }

  /** The name to use in SQL, schema-qualified if a schema was given. */
  public String qualified() {
    return schema == null ? table : schema + "." + table;
  }

  /** The schema, or null. */
  public String schema() {
    return schema;
  }

  /** The table without its schema. */
  public String table() {
    return table;
  }

  @Override
  public String toString() {
    return qualified();
  }

  private static String printable(String name) {
    String shown = name.length() > 80 ? name.substring(0, 77) + "..." : name;
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
