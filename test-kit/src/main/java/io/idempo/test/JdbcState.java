package io.idempo.test;

import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The rows of database tables, read over JDBC (H2 and PostgreSQL are tested): every table of the
 * connection's current schema, or named tables. Rows are compared as multisets.
 *
 * <pre>{@code
 * JdbcState.tables(dataSource, "payment_ledger", "payment_account")
 * JdbcState.schema(dataSource).ignoringTables("idempo_claims").ignoringColumns("updated_at")
 * }</pre>
 *
 * <p>Columns whose values differ from run to run are matched structurally: their values become
 * labels {@code #1}, {@code #2}, … in the values' order, so that the rows, which rows share a value
 * and which rows reference which (by foreign key) are compared, and the values are not. Columns
 * the database generates (identity and auto-increment) are matched so by default, others (a
 * timestamp, an id the application draws) with {@link #matchingStructurally}. {@link
 * #ignoringColumns} leaves columns out altogether. The primary key identifies a row, so that a
 * changed row is shown column by column.
 *
 * <p>Names are matched without regard to case and shown in lower case when the database stores
 * them in upper case (H2).
 */
public final class JdbcState implements StateSource {

  private final DataSource dataSource;
  /** Empty: every table of the schema. */
  private final List<String> tables;
  private final Set<String> ignoredTables;
  /** {@code column} or {@code table.column}, lower case. */
  private final Set<String> ignoredColumns;
  /** {@code column} or {@code table.column}, lower case. */
  private final Set<String> structuralColumns;
  private final boolean generatedValues;

  private JdbcState(
      DataSource dataSource,
      List<String> tables,
      Set<String> ignoredTables,
      Set<String> ignoredColumns,
      Set<String> structuralColumns,
      boolean generatedValues) {
    this.dataSource = dataSource;
    this.tables = tables;
    this.ignoredTables = ignoredTables;
    this.ignoredColumns = ignoredColumns;
    this.structuralColumns = structuralColumns;
    this.generatedValues = generatedValues;
  }

  /** Every table of the current schema of {@code dataSource}'s connections. */
  public static JdbcState schema(DataSource dataSource) {
    return new JdbcState(
        Objects.requireNonNull(dataSource, "dataSource"), List.of(), Set.of(), Set.of(), Set.of(), false);
  }

  /** The named tables of the current schema, in this order. */
  public static JdbcState tables(DataSource dataSource, String... tables) {
    if (tables.length == 0) {
      throw new IllegalArgumentException("name at least one table, or use JdbcState.schema");
    }
    List<String> names = new ArrayList<>();
    for (String table : tables) {
      names.add(Objects.requireNonNull(table, "table"));
    }
    return new JdbcState(
        Objects.requireNonNull(dataSource, "dataSource"),
        List.copyOf(names),
        Set.of(),
        Set.of(),
        Set.of(),
        false);
  }

  /** Leaves out these tables of {@link #schema}. */
  public JdbcState ignoringTables(String... tables) {
    return new JdbcState(
        dataSource, this.tables, added(ignoredTables, tables), ignoredColumns, structuralColumns, generatedValues);
  }

  /**
   * Leaves out columns whose values change with every write and whose rows need no matching
   * (a last-modified timestamp): {@code "created_at"} in every table, or {@code
   * "ledger.created_at"} in one.
   */
  public JdbcState ignoringColumns(String... columns) {
    return new JdbcState(
        dataSource, tables, ignoredTables, added(ignoredColumns, columns), structuralColumns, generatedValues);
  }

  /**
   * Matches these columns structurally, like generated ids: {@code "booked_at"} in every table, or
   * {@code "ledger.booked_at"} in one. Their values become labels {@code #1}, {@code #2}, … in the
   * values' order, shared with the columns that reference them by foreign key: a redelivery that
   * adds a row shows it with the next label, and two runs that wrote different values in the same
   * pattern compare equal. Values drawn at random (UUIDs) have no order that runs share: leave
   * those out with {@link #ignoringColumns} unless rows reference them.
   */
  public JdbcState matchingStructurally(String... columns) {
    return new JdbcState(
        dataSource, tables, ignoredTables, ignoredColumns, added(structuralColumns, columns), generatedValues);
  }

  /**
   * Compares the values of identity and auto-increment columns, which are matched structurally by
   * default (they say in which order rows were written, not what the handler did).
   */
  public JdbcState includingGeneratedColumns() {
    return new JdbcState(dataSource, tables, ignoredTables, ignoredColumns, structuralColumns, true);
  }

  private static Set<String> added(Set<String> names, String... more) {
    Set<String> all = new LinkedHashSet<>(names);
    for (String name : more) {
      all.add(lower(Objects.requireNonNull(name, "name")));
    }
    return Set.copyOf(all);
  }

  @Override
  public List<Table> snapshot() throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      DatabaseMetaData metaData = connection.getMetaData();
      Map<String, String> existing = existingTables(connection, metaData);
      List<String> read = new ArrayList<>();
      if (tables.isEmpty()) {
        for (Map.Entry<String, String> table : existing.entrySet()) {
          if (!ignoredTables.contains(table.getKey())) {
            read.add(table.getValue());
          }
        }
      } else {
        for (String table : tables) {
          String stored = existing.get(lower(table));
          if (stored == null) {
            throw new IllegalStateException(
                "no table "
                    + table
                    + " in schema "
                    + connection.getSchema()
                    + "; its tables are "
                    + existing.keySet());
          }
          read.add(stored);
        }
      }
      StructuralColumns structural = new StructuralColumns();
      List<Table> snapshot = new ArrayList<>();
      for (String table : read) {
        snapshot.add(read(connection, metaData, table, structural));
      }
      for (String table : read) {
        references(connection, metaData, table, structural);
      }
      return structural.label(snapshot);
    }
  }

  /** Lower-case name to the name as stored, in name order. */
  private static Map<String, String> existingTables(Connection connection, DatabaseMetaData metaData)
      throws SQLException {
    Map<String, String> names = new java.util.TreeMap<>();
    try (ResultSet rows =
        metaData.getTables(
            connection.getCatalog(), connection.getSchema(), "%", new String[] {"TABLE"})) {
      while (rows.next()) {
        String name = rows.getString("TABLE_NAME");
        names.put(lower(name), name);
      }
    }
    return names;
  }

  /** Reads {@code table}, and tells {@code structural} which of its columns it matches. */
  private Table read(
      Connection connection, DatabaseMetaData metaData, String table, StructuralColumns structural)
      throws SQLException {
    String shownTable = shown(table);
    Set<String> generated = generatedColumns(connection, metaData, table);
    List<String> keyColumns = new ArrayList<>();
    boolean keyUsable = true;
    Map<Integer, String> keyBySequence = new java.util.TreeMap<>();
    try (ResultSet keys =
        metaData.getPrimaryKeys(connection.getCatalog(), connection.getSchema(), table)) {
      while (keys.next()) {
        keyBySequence.put(keys.getInt("KEY_SEQ"), keys.getString("COLUMN_NAME"));
      }
    }
    for (String key : keyBySequence.values()) {
      if (ignored(shownTable, lower(key))) {
        keyUsable = false;
      }
      keyColumns.add(shown(key));
    }
    String quote = metaData.getIdentifierQuoteString().trim();
    String sql =
        "SELECT * FROM "
            + quote
            + connection.getSchema().replace(quote, quote + quote)
            + quote
            + "."
            + quote
            + table.replace(quote, quote + quote)
            + quote;
    List<Row> rows = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      ResultSetMetaData columns = result.getMetaData();
      int count = columns.getColumnCount();
      for (int i = 1; i <= count; i++) {
        String column = lower(columns.getColumnLabel(i));
        if (!ignored(shownTable, column) && structural(shownTable, column, generated)) {
          structural.add(new StructuralColumns.Column(shownTable, shown(columns.getColumnLabel(i))));
        }
      }
      while (result.next()) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 1; i <= count; i++) {
          String column = columns.getColumnLabel(i);
          if (!ignored(shownTable, lower(column))) {
            values.put(shown(column), value(result.getObject(i)));
          }
        }
        rows.add(Row.of(values));
      }
    }
    return new Table(shownTable, keyUsable ? keyColumns : List.of(), rows);
  }

  /**
   * Tells {@code structural} which columns of {@code table} reference which by foreign key; a
   * referenced column of a table not read is matched structurally if it would be when read.
   */
  private void references(
      Connection connection, DatabaseMetaData metaData, String table, StructuralColumns structural)
      throws SQLException {
    String shownTable = shown(table);
    List<String[]> references = new ArrayList<>();
    try (ResultSet keys =
        metaData.getImportedKeys(connection.getCatalog(), connection.getSchema(), table)) {
      while (keys.next()) {
        references.add(
            new String[] {
              keys.getString("FKCOLUMN_NAME"), keys.getString("PKTABLE_NAME"), keys.getString("PKCOLUMN_NAME")
            });
      }
    }
    for (String[] reference : references) {
      if (ignored(shownTable, lower(reference[0]))) {
        continue;
      }
      StructuralColumns.Column target =
          new StructuralColumns.Column(shown(reference[1]), shown(reference[2]));
      if (!structural.matches(target)
          && structural(
              target.table(), lower(reference[2]), generatedColumns(connection, metaData, reference[1]))) {
        structural.add(target);
      }
      structural.reference(new StructuralColumns.Column(shownTable, shown(reference[0])), target);
    }
  }

  /** The identity and auto-increment columns of {@code table} (as stored), lower case. */
  private static Set<String> generatedColumns(
      Connection connection, DatabaseMetaData metaData, String table) throws SQLException {
    Set<String> generated = new LinkedHashSet<>();
    try (ResultSet columns =
        metaData.getColumns(connection.getCatalog(), connection.getSchema(), table, "%")) {
      while (columns.next()) {
        if ("YES".equalsIgnoreCase(columns.getString("IS_AUTOINCREMENT"))) {
          generated.add(lower(columns.getString("COLUMN_NAME")));
        }
      }
    }
    return generated;
  }

  /** Whether {@code column} of {@code table} (shown name) is matched structurally. */
  private boolean structural(String table, String column, Set<String> generated) {
    return (!generatedValues && generated.contains(column)) || named(structuralColumns, table, column);
  }

  private boolean ignored(String table, String column) {
    return named(ignoredColumns, table, column);
  }

  private static boolean named(Set<String> names, String table, String column) {
    return names.contains(column) || names.contains(lower(table) + "." + column);
  }

  private static Object value(Object value) throws SQLException {
    if (value instanceof Clob clob) {
      return clob.getSubString(1, (int) clob.length());
    }
    if (value instanceof Blob blob) {
      return new Bytes(blob.getBytes(1, (int) blob.length()));
    }
    if (value instanceof SQLXML xml) {
      return xml.getString();
    }
    if (value instanceof Array array) {
      return Row.normalize(array.getArray());
    }
    return value;
  }

  /** The name as a person wrote it: lower case if the database stored it in upper case. */
  private static String shown(String name) {
    return name.equals(name.toUpperCase(Locale.ROOT)) ? name.toLowerCase(Locale.ROOT) : name;
  }

  private static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return tables.isEmpty() ? "JdbcState.schema" : "JdbcState.tables" + tables;
  }
}
