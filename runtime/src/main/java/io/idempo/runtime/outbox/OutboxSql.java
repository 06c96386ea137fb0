package io.idempo.runtime.outbox;

import io.idempo.runtime.jdbc.Dialect;
import io.idempo.runtime.jdbc.TableName;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * All SQL of the outbox, for one table in one database: what {@link JdbcOutbox} writes and what
 * {@link OutboxRelay} reads, marks and purges, plus the DDL resources next to this class ({@code
 * h2.sql}, {@code postgresql.sql}). Every value is a bound parameter; the validated table name is
 * the only text put into SQL.
 */
final class OutboxSql {

  /** The table name in the DDL resources, replaced by the configured one. */
  static final String DDL_TABLE = "idempo_outbox";

  private static final Pattern DDL_INDEX = Pattern.compile("\\b" + DDL_TABLE + "(_[a-z_]+_idx)\\b");
  private static final Pattern DDL_TABLE_NAME = Pattern.compile("\\b" + DDL_TABLE + "\\b");

  private static final String ROW_COLUMNS =
      "seq, message_id, destination, message_key, payload, headers, created_at, attempts";

  private final boolean postgres;
  private final TableName table;

  final String insert;
  final String selectBatch;
  final String markSent;
  final String markFailed;
  final String purgeBatch;
  final String countUnsent;

  private OutboxSql(Dialect dialect, TableName table) {
    this.postgres = isPostgres(dialect);
    this.table = table;
    String t = table.qualified();
    this.insert =
        "INSERT INTO "
            + t
            + " (message_id, destination, message_key, payload, headers, created_at, attempts,"
            + " next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)";
    // Unsent rows that are due, in seq order, skipping rows another relay holds. Rows behind a
    // delayed (failed) row of their destination and key are left out, so that they do not fill
    // the batch only to be deferred.
    String due =
        "SELECT "
            + ROW_COLUMNS
            + " FROM "
            + t
            + " o WHERE o.sent_at IS NULL AND o.next_attempt_at <= ? AND NOT EXISTS (SELECT 1 FROM "
            + t
            + " p WHERE p.message_key = o.message_key AND p.destination = o.destination"
            + " AND p.sent_at IS NULL AND p.next_attempt_at > ? AND p.seq < o.seq)"
            + " ORDER BY o.seq";
    this.selectBatch =
        postgres
            ? due + " LIMIT ? FOR UPDATE SKIP LOCKED"
            : due + " FETCH FIRST ? ROWS ONLY FOR UPDATE SKIP LOCKED";
    this.markSent =
        "UPDATE " + t + " SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE seq = ?";
    this.markFailed =
        "UPDATE "
            + t
            + " SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE seq = ?";
    this.purgeBatch =
        postgres
            // Short batches by physical row id; rows locked by anyone are skipped, not waited for.
            ? "DELETE FROM "
                + t
                + " WHERE ctid IN (SELECT ctid FROM "
                + t
                + " WHERE sent_at <= ? LIMIT ? FOR UPDATE SKIP LOCKED)"
            : "DELETE FROM " + t + " WHERE sent_at <= ? FETCH FIRST ? ROWS ONLY";
    this.countUnsent = "SELECT COUNT(*) FROM " + t + " WHERE sent_at IS NULL";
  }

  static OutboxSql of(Dialect dialect, TableName table) {
    return new OutboxSql(dialect, table);
  }

  /**
   * The unsent rows of some keys that come before position {@code before}: seq, destination,
   * message_key. Parameters: before, then the {@code keys} keys.
   */
  String earlierUnsent(int keys) {
    StringBuilder sql =
        new StringBuilder("SELECT seq, destination, message_key FROM ")
            .append(table.qualified())
            .append(" WHERE sent_at IS NULL AND seq < ? AND message_key IN (");
    for (int i = 0; i < keys; i++) {
      sql.append(i == 0 ? "?" : ", ?");
    }
    return sql.append(")").toString();
  }

  /** The classpath resource with the table's DDL for this database. */
  String ddlResource() {
    return postgres ? "io/idempo/runtime/outbox/postgresql.sql" : "io/idempo/runtime/outbox/h2.sql";
  }

  /** The DDL statements for the table, from {@link #ddlResource()}. */
  List<String> ddl() {
    String text;
    try (InputStream in = OutboxSql.class.getResourceAsStream("/" + ddlResource())) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + ddlResource());
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + ddlResource(), e);
    }
    StringBuilder withoutComments = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (!line.strip().startsWith("--")) {
        withoutComments.append(line).append('\n');
      }
    }
    // PostgreSQL puts an index in its table's schema and refuses a qualified index name; H2 wants
    // the schema on the index name.
    String indexPrefix = postgres || table.schema() == null ? table.table() : table.qualified();
    String sql =
        DDL_INDEX
            .matcher(withoutComments)
            .replaceAll(m -> Matcher.quoteReplacement(indexPrefix + m.group(1)));
    sql = DDL_TABLE_NAME.matcher(sql).replaceAll(Matcher.quoteReplacement(table.qualified()));
    List<String> statements = new ArrayList<>();
    for (String statement : sql.split(";", -1)) {
      if (!statement.isBlank()) {
        statements.add(statement.strip());
      }
    }
    return statements;
  }

  /** The dialect of the database {@code connection} belongs to. */
  static Dialect detect(Connection connection) throws SQLException {
    String product = connection.getMetaData().getDatabaseProductName();
    if (Dialect.H2.productName().equals(product)) {
      return Dialect.H2;
    }
    if (Dialect.POSTGRESQL.productName().equals(product)) {
      return Dialect.POSTGRESQL;
    }
    throw new IllegalArgumentException(
        "the Idempo outbox supports H2 and PostgreSQL, but the DataSource connects to '" + product + "'");
  }

  /** {@code instant} as the value of a {@code TIMESTAMP WITH TIME ZONE} column (microseconds). */
  static OffsetDateTime timestamp(Instant instant) {
    return OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  /** True if {@code e} says the table does not exist. */
  static boolean isMissingTable(SQLException e) {
    String state = e.getSQLState();
    return "42P01".equals(state) || "42S02".equals(state) || "42102".equals(state);
  }

  /** True if {@code e} says a unique value is taken. */
  static boolean isDuplicateKey(SQLException e) {
    return "23505".equals(e.getSQLState());
  }

  private static boolean isPostgres(Dialect dialect) {
    if (dialect.productName().equals(Dialect.POSTGRESQL.productName())) {
      return true;
    }
    if (dialect.productName().equals(Dialect.H2.productName())) {
      return false;
    }
    throw new IllegalArgumentException("the Idempo outbox supports H2 and PostgreSQL, not " + dialect);
  }
}
