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
 * <p>Columns the database generates (identity and auto-increment columns) are left out by default:
 * their values say in which order rows were written, not what the handler did. Leave out other
 * columns that change with every write, such as timestamps, with {@link #ignoringColumns}. The
 * primary key (without left-out columns) identifies a row, so that a changed row is shown column by
 * column.
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
  private final boolean generatedColumns;

  private JdbcState(
      DataSource dataSource,
      List<String> tables,
      Set<String> ignoredTables,
      Set<String> ignoredColumns,
      boolean generatedColumns) {
    this.dataSource = dataSource;
    this.tables = tables;
    this.ignoredTables = ignoredTables;
    this.ignoredColumns = ignoredColumns;
    this.generatedColumns = generatedColumns;
  }

  /** Every table of the current schema of {@code dataSource}'s connections. */
  public static JdbcState schema(DataSource dataSource) {
    return new JdbcState(Objects.requireNonNull(dataSource, "dataSource"), List.of(), Set.of(), Set.of(), false);
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
    return new JdbcState(Objects.requireNonNull(dataSource, "dataSource"), List.copyOf(names), Set.of(), Set.of(), false);
  }

  /** Leaves out these tables of {@link #schema}. */
  public JdbcState ignoringTables(String... tables) {
    Set<String> ignored = new LinkedHashSet<>(ignoredTables);
    for (String table : tables) {
      ignored.add(lower(table));
    }
    return new JdbcState(dataSource, this.tables, Set.copyOf(ignored), ignoredColumns, generatedColumns);
  }

  /**
   * Leaves out columns whose values change with every write (timestamps, random ids): {@code
   * "created_at"} in every table, or {@code "ledger.created_at"} in one.
   */
  public JdbcState ignoringColumns(String... columns) {
    Set<String> ignored = new LinkedHashSet<>(ignoredColumns);
    for (String column : columns) {
      ignored.add(lower(column));
    }
    return new JdbcState(dataSource, tables, ignoredTables, Set.copyOf(ignored), generatedColumns);
  }

  /** Compares identity and auto-increment columns too. */
  public JdbcState includingGeneratedColumns() {
    return new JdbcState(dataSource, tables, ignoredTables, ignoredColumns, true);
  }

  @Override
  public List<Table> snapshot() throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      DatabaseMetaData metaData = connection.getMetaData();
      Map<String, String> existing = existingTables(connection, metaData);
      List<Table> snapshot = new ArrayList<>();
      if (tables.isEmpty()) {
        for (Map.Entry<String, String> table : existing.entrySet()) {
          if (!ignoredTables.contains(table.getKey())) {
            snapshot.add(read(connection, metaData, table.getValue()));
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
          snapshot.add(read(connection, metaData, stored));
        }
      }
      return snapshot;
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

  private Table read(Connection connection, DatabaseMetaData metaData, String table)
      throws SQLException {
    String shownTable = shown(table);
    Set<String> generated = new LinkedHashSet<>();
    try (ResultSet columns =
        metaData.getColumns(connection.getCatalog(), connection.getSchema(), table, "%")) {
      while (columns.next()) {
        if ("YES".equalsIgnoreCase(columns.getString("IS_AUTOINCREMENT"))) {
          generated.add(lower(columns.getString("COLUMN_NAME")));
        }
      }
    }
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
      if (ignored(shownTable, lower(key), generated)) {
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
      while (result.next()) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 1; i <= count; i++) {
          String column = columns.getColumnLabel(i);
          if (!ignored(shownTable, lower(column), generated)) {
            values.put(shown(column), value(result.getObject(i)));
          }
        }
        rows.add(Row.of(values));
      }
    }
    return new Table(shownTable, keyUsable ? keyColumns : List.of(), rows);
  }

  private boolean ignored(String table, String column, Set<String> generated) {
    return ignoredColumns.contains(column)
        || ignoredColumns.contains(lower(table) + "." + column)
        || (!generatedColumns && generated.contains(column));
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
