package io.idempo.runtime.outbox;

import io.idempo.runtime.jdbc.Dialect;
import io.idempo.runtime.jdbc.TableName;
import java.util.List;

/**
 * The statements of the outbox on one table: what {@link JdbcOutbox} writes and what {@link
 * OutboxRelay} reads, marks and purges, built from its {@link Dialect}, which holds every
 * difference between databases (the poll's row limit and locking, the purge batch, the DDL
 * resources next to this class, values and SQLStates). Every value is a bound parameter; the
 * validated table name is the only text put into SQL.
 */
final class OutboxSql {

  /** The table name in the DDL resources, replaced by the configured one. */
  static final String DDL_TABLE = "idempo_outbox";

  private static final String ROW_COLUMNS =
      "seq, message_id, destination, message_key, payload, headers, created_at, attempts";

  private final Dialect dialect;
  private final TableName table;

  final String insert;
  final String selectBatch;
  final String markSent;
  final String markFailed;
  final String purgeBatch;
  final String countUnsent;

  private OutboxSql(Dialect dialect, TableName table) {
    this.dialect = dialect;
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
    this.selectBatch =
        dialect.firstRowsSkipLocked(
            "SELECT "
                + ROW_COLUMNS
                + " FROM "
                + t
                + " o WHERE o.sent_at IS NULL AND o.next_attempt_at <= ? AND NOT EXISTS (SELECT 1"
                + " FROM "
                + t
                + " p WHERE p.message_key = o.message_key AND p.destination = o.destination"
                + " AND p.sent_at IS NULL AND p.next_attempt_at > ? AND p.seq < o.seq)"
                + " ORDER BY o.seq");
    this.markSent =
        "UPDATE " + t + " SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE seq = ?";
    this.markFailed =
        "UPDATE "
            + t
            + " SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE seq = ?";
    this.purgeBatch = dialect.deleteBatch(t, "sent_at <= ?");
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

  /** The DDL statements for the table, from {@link Dialect#outboxDdlResource()}. */
  List<String> ddl() {
    return dialect.ddl(dialect.outboxDdlResource(), DDL_TABLE, table);
  }
}
