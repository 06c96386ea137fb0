package io.idempo.runtime.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The SQL a {@link JdbcIdempotencyStore} runs, for one database. All SQL of the store is here: the
 * statements shared by every database in this class, the few that differ in {@link #H2}, {@link
 * #POSTGRESQL} and {@link #MYSQL}, and the table's DDL in the {@code .sql}
 * resource next to this class ({@code h2.sql}, {@code postgresql.sql}, {@code mysql.sql}). Every
 * value is a bound parameter; the table name is the only text put into SQL, and it is validated
 * first.
 */
public abstract class Dialect {

  /** H2 2.x. */
  public static final Dialect H2 = new H2Dialect();

  /** PostgreSQL 12 or newer. */
  public static final Dialect POSTGRESQL = new PostgresDialect();

  /** MySQL 8.0 or newer, and MariaDB 10.11 or newer, with InnoDB tables. */
  public static final Dialect MYSQL = new MySqlDialect();

  /** The table name in the DDL resources, replaced by the configured one. */
  static final String DDL_TABLE = "idempo_claims";

  private static final String DDL_INDEX = "idempo_claims_expires_at_idx";
  static final String INDEX_SUFFIX = "_expires_at_idx";

  /** Beyond PostgreSQL's range; far-future expiries are stored as this. */
  static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

  private static final String COLUMNS =
      "handler_name, idempotency_key, status, result, claim_token, expires_at, created_at";

  /** The SET clause of {@link #takeOver}: status, token, expires_at, created_at. */
  static final String TAKE_OVER_SET =
      " SET status = ?, result = NULL, claim_token = ?, expires_at = ?, created_at = ?";

  /** The WHERE clause of {@link #takeOver}: handler, key, now. */
  static final String TAKE_OVER_WHERE =
      " WHERE handler_name = ? AND idempotency_key = ? AND expires_at <= ?";

  Dialect() {}

  /** The dialect for a database product name from {@code DatabaseMetaData}. */
  static Dialect forProductName(String productName) {
    if ("H2".equals(productName)) {
      return H2;
    }
    if ("PostgreSQL".equals(productName)) {
      return POSTGRESQL;
    }
    // MariaDB's driver reports "MariaDB", MySQL's driver reports "MySQL" for both servers.
    if ("MySQL".equals(productName) || "MariaDB".equals(productName)) {
      return MYSQL;
    }
    throw new IllegalArgumentException(
        "JdbcIdempotencyStore supports H2, PostgreSQL, MySQL and MariaDB, but the DataSource"
            + " connects to '"
            + productName
            + "'");
  }

  /** The database's name, as reported by its JDBC driver. */
  public abstract String productName();

  /** The classpath resource holding the table's DDL for this database. */
  public abstract String ddlResource();

  /**
   * Inserts a claim row: handler, key, status, token, expires_at, created_at, after the lock
   * timeout where the statement bounds its own lock waits (see {@link #sessionLockTimeout}). Writes
   * nothing when the row exists or, if {@link #insertRaisesDuplicateKey()}, fails with SQLState
   * 23505. A claim that inserted nothing reads the record with {@link #selectRecord}.
   *
   * <p>It reads nothing itself. A claim statement on PostgreSQL that also read the record it
   * yielded to (in a {@code UNION ALL} over the insert's {@code RETURNING}) saved a duplicate its
   * round trip, but cost every claim more server CPU than the read costs the duplicates: with 20%
   * duplicates, 12–24 µs of server CPU per delivery more (docs/performance.md).
   */
  abstract String insertClaim(String table);

  /**
   * Takes over an expired record: status, token, expires_at, created_at, handler, key, now, after
   * the lock timeout where the statement bounds its own lock waits (see {@link
   * #sessionLockTimeout}). Matches no row unless the record is still expired, so of two deliveries
   * only one takes it over.
   */
  abstract String takeOver(String table);

  /** True if {@link #insertClaim} reports an existing row by a duplicate-key error. */
  abstract boolean insertRaisesDuplicateKey();

  /**
   * Whether {@code connection}'s transaction can still commit. On PostgreSQL a failed statement
   * aborts the whole transaction, and a later {@code commit()} silently rolls back; a handler that
   * swallowed an SQL error must not be reported as completed. The answer comes from the driver's
   * own record of the transaction, without a round trip; where the driver cannot be reached (a
   * wrapper that does not unwrap), it is {@link TransactionHealth#UNKNOWN}, and the store runs a
   * statement before the commit instead, which fails in an aborted transaction.
   */
  abstract TransactionHealth transactionHealth(Connection connection);

  /** What {@link #transactionHealth} knows of a transaction. */
  enum TransactionHealth {
    /** It can commit, as far as the database has told the driver. */
    HEALTHY,
    /** A failed statement aborted it; a commit would roll back. */
    ABORTED,
    /** The driver's state cannot be read. */
    UNKNOWN
  }

  /**
   * The statement that bounds the session's row-lock waits to {@code millis}, for a database whose
   * lock timeout can only be a session setting (H2: {@code setQueryTimeout} runs {@code SET
   * QUERY_TIMEOUT}, which would also apply to the handler's own statements, and every {@code SET}
   * makes H2 compile all prepared statements again). The store runs it once per connection.
   *
   * <p>Null where the claim statements ({@link #insertClaim}, {@link #takeOver}) bound their own
   * lock waits instead. Their first parameter is then the lock timeout in milliseconds, as text, and
   * they return a row for each row they wrote, in place of an update count.
   */
  abstract String sessionLockTimeout(int millis);

  /** Deletes at most n expired rows of one status: status, now, n. */
  abstract String purgeBatch(String table);

  /** The index's name in the DDL for {@code table}. */
  abstract String indexName(TableName table);

  /**
   * Reads a record: handler, key. It reads the latest committed row, not a snapshot taken earlier
   * in the transaction (see MySqlDialect below).
   */
  String selectRecord(String table) {
    return "SELECT status, result, claim_token, expires_at FROM "
        + table
        + " WHERE handler_name = ? AND idempotency_key = ?";
  }

  /** Marks a lease-mode claim completed: status, result, expires_at, handler, key, token. */
  final String completeLease(String table) {
    return "UPDATE "
        + table
        + " SET status = ?, result = ?, expires_at = ?"
        + " WHERE handler_name = ? AND idempotency_key = ? AND claim_token = ?";
  }

  /** Stores a transactional-mode claim's result: result, handler, key, token. */
  final String storeResult(String table) {
    return "UPDATE "
        + table
        + " SET result = ? WHERE handler_name = ? AND idempotency_key = ? AND claim_token = ?";
  }

  /** Deletes a lease-mode claim: handler, key, token. */
  final String deleteClaim(String table) {
    return "DELETE FROM "
        + table
        + " WHERE handler_name = ? AND idempotency_key = ? AND claim_token = ?";
  }

  final String columns() {
    return COLUMNS;
  }

  /**
   * {@code instant}, at most {@link #LATEST} and in whole microseconds, as the value bound to a
   * timestamp column: by default an {@link OffsetDateTime} in UTC, for a {@code TIMESTAMP WITH TIME
   * ZONE} column.
   */
  Object timestamp(Instant instant) {
    Instant capped = instant.isAfter(LATEST) ? LATEST : instant;
    // Not OffsetDateTime.ofInstant: that builds the offset's ZoneRules on every call.
    return LocalDateTime.ofEpochSecond(
            capped.getEpochSecond(), capped.getNano() / 1000 * 1000, ZoneOffset.UTC)
        .atOffset(ZoneOffset.UTC);
  }

  /** The instant in timestamp column {@code column} of {@code row}, as {@link #timestamp} wrote it. */
  Instant instant(ResultSet row, int column) throws SQLException {
    return row.getObject(column, OffsetDateTime.class).toInstant();
  }

  /** The DDL statements for {@code table}, from {@link #ddlResource()}. */
  final List<String> ddl(TableName table) {
    String text;
    try (InputStream in = Dialect.class.getResourceAsStream("/" + ddlResource())) {
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
    String sql =
        withoutComments
            .toString()
            .replace(DDL_INDEX, "\u0000index\u0000")
            .replace(DDL_TABLE, table.qualified())
            .replace("\u0000index\u0000", indexName(table));
    List<String> statements = new ArrayList<>();
    for (String statement : sql.split(";", -1)) {
      if (!statement.isBlank()) {
        statements.add(statement.strip());
      }
    }
    return statements;
  }

  /** True if {@code e} says the row already exists. */
  static boolean isDuplicateKey(SQLException e) {
    return "23505".equals(e.getSQLState()) // H2, PostgreSQL
        || ("23000".equals(e.getSQLState()) && e.getErrorCode() == 1062); // MySQL ER_DUP_ENTRY
  }

  /** True if {@code e} says the statement gave up waiting for a lock another transaction holds. */
  static boolean isLockTimeout(SQLException e) {
    String state = e.getSQLState();
    return "55P03".equals(state) // PostgreSQL lock_timeout
        || "HYT00".equals(state) // H2 lock timeout
        || e.getErrorCode() == 50200 // H2 LOCK_TIMEOUT_1
        // MySQL ER_LOCK_WAIT_TIMEOUT (SQLState HY000 from MariaDB's driver, 40001 from MySQL's)
        || (e.getErrorCode() == 1205 && ("HY000".equals(state) || "40001".equals(state)));
  }

  /**
   * True if {@code e} says the database chose this transaction as a deadlock's victim and rolled
   * it back, all of it: MySQL's InnoDB when two claims of one key both hold a shared lock on its
   * row (or gap) and both want to write it.
   */
  static boolean isDeadlock(SQLException e) {
    return e.getErrorCode() == 1213 && "40001".equals(e.getSQLState()); // ER_LOCK_DEADLOCK
  }

  /** True if {@code e} says the table does not exist. */
  static boolean isMissingTable(SQLException e) {
    String state = e.getSQLState();
    return "42P01".equals(state) // PostgreSQL
        || "42S02".equals(state)
        || "42102".equals(state) // H2
        || "42S04".equals(state); // H2 (error 42104), when the database has no table at all
  }

  @Override
  public String toString() {
    return productName().toLowerCase(Locale.ROOT);
  }

  private static final class H2Dialect extends Dialect {
    @Override
    public String productName() {
      return "H2";
    }

    @Override
    public String ddlResource() {
      return "io/idempo/runtime/jdbc/h2.sql";
    }

    @Override
    String insertClaim(String table) {
      // H2 has no ON CONFLICT outside PostgreSQL mode. A plain INSERT behaves the same way: it
      // waits for a concurrent uncommitted insert of the same key, then fails with 23505 if that
      // one committed, or succeeds if it rolled back. A failed statement does not end H2's
      // transaction.
      return "INSERT INTO " + table + " (" + columns() + ") VALUES (?, ?, ?, NULL, ?, ?, ?)";
    }

    @Override
    String takeOver(String table) {
      return "UPDATE " + table + TAKE_OVER_SET + TAKE_OVER_WHERE;
    }

    @Override
    boolean insertRaisesDuplicateKey() {
      return true;
    }

    @Override
    TransactionHealth transactionHealth(Connection connection) {
      return TransactionHealth.HEALTHY; // H2 rolls back only the failed statement
    }

    @Override
    String sessionLockTimeout(int millis) {
      return "SET LOCK_TIMEOUT " + millis;
    }

    @Override
    String purgeBatch(String table) {
      return "DELETE FROM "
          + table
          + " WHERE status = ? AND expires_at <= ? FETCH FIRST ? ROWS ONLY";
    }

    @Override
    String indexName(TableName table) {
      String index = table.table() + INDEX_SUFFIX;
      return table.schema() == null ? index : table.schema() + "." + index;
    }
  }

  private static final class PostgresDialect extends Dialect {
    /**
     * Bounds the claim statement's lock waits: sets {@code lock_timeout} to the first parameter for
     * the transaction, having read the value in force into {@code outer_timeout} (in a subquery
     * that {@code OFFSET 0} keeps from being merged into the outer one, so it is read first). The
     * statement reads its row from {@code lock_bound}, so both are done before it can wait for a
     * lock. This costs no round trip and no driver timer, unlike a JDBC query timeout.
     */
    private static final String BOUND_LOCK_WAITS =
        "WITH lock_bound AS (SELECT outer_timeout, set_config('lock_timeout', ?, true) FROM"
            + " (SELECT current_setting('lock_timeout') AS outer_timeout OFFSET 0) AS saved) ";

    /**
     * Puts {@code lock_timeout} back when the statement wrote its row, so the handler's statements
     * that follow in the transaction wait as the connection was set up to. A statement that wrote
     * nothing leaves the bound in force: the store then ends the transaction or rolls back to the
     * claim's savepoint, before the claim's next statement that bounds its waits, which would
     * otherwise read the bound as the value to put back.
     */
    private static final String RESTORE_LOCK_TIMEOUT =
        " RETURNING set_config('lock_timeout', (SELECT outer_timeout FROM lock_bound), true)";

    @Override
    public String productName() {
      return "PostgreSQL";
    }

    @Override
    public String ddlResource() {
      return "io/idempo/runtime/jdbc/postgresql.sql";
    }

    @Override
    String insertClaim(String table) {
      // Waits for a concurrent uncommitted insert of the same key, then inserts nothing (no row)
      // if that one committed, or the row (one row) if it rolled back. An existing row is no
      // error, so the transaction stays usable; only a wait past the lock timeout is.
      return BOUND_LOCK_WAITS
          + "INSERT INTO "
          + table
          + " ("
          + columns()
          + ") SELECT ?, ?, ?, NULL, ?, ?, ? FROM lock_bound"
          + " ON CONFLICT (handler_name, idempotency_key) DO NOTHING"
          + RESTORE_LOCK_TIMEOUT;
    }

    @Override
    String takeOver(String table) {
      return BOUND_LOCK_WAITS
          + "UPDATE "
          + table
          + TAKE_OVER_SET
          + " FROM lock_bound"
          + TAKE_OVER_WHERE
          + RESTORE_LOCK_TIMEOUT;
    }

    @Override
    boolean insertRaisesDuplicateKey() {
      return false;
    }

    @Override
    TransactionHealth transactionHealth(Connection connection) {
      try {
        return PostgresDriverState.of(connection);
      } catch (LinkageError driverNotVisible) {
        // The PostgreSQL driver is not visible from this class loader.
        return TransactionHealth.UNKNOWN;
      }
    }

    @Override
    String sessionLockTimeout(int millis) {
      return null;
    }

    @Override
    String purgeBatch(String table) {
      // Short batches by physical row id; rows that a takeover has locked are skipped, not awaited.
      return "DELETE FROM "
          + table
          + " WHERE ctid IN (SELECT ctid FROM "
          + table
          + " WHERE status = ? AND expires_at <= ? LIMIT ? FOR UPDATE SKIP LOCKED)";
    }

    @Override
    String indexName(TableName table) {
      // PostgreSQL puts an index in its table's schema and refuses a qualified index name.
      return table.table() + INDEX_SUFFIX;
    }
  }

  /**
   * {@link Dialect#MYSQL}: MySQL 8.0 or newer and MariaDB 10.11 or newer, InnoDB tables, at the
   * default isolation level REPEATABLE READ or at READ COMMITTED. The table's DDL is {@code
   * mysql.sql} next to {@link Dialect}.
   *
   * <p>What differs from H2 and PostgreSQL, and why:
   *
   * <ul>
   *   <li><b>Keys are bytes.</b> {@code handler_name} and {@code idempotency_key} are {@code
   *       VARBINARY}: compared byte by byte, so keys that differ in case or in trailing spaces stay
   *       apart, as on H2 and PostgreSQL (a {@code utf8mb4_bin} column would still merge {@code 'k'}
   *       and {@code 'k '}, and the default collations merge case too).
   *   <li><b>Timestamps are UTC {@code DATETIME(6)}.</b> MySQL has no {@code TIMESTAMP WITH TIME
   *       ZONE}, and its {@code TIMESTAMP} ends in 2038; the store binds and reads {@link
   *       LocalDateTime}s in UTC, so neither the driver's nor the session's time zone moves them.
   *   <li><b>The claim inserts plainly.</b> A duplicate key is error 1062, which leaves the
   *       transaction usable (only the statement is undone), as on H2. {@code INSERT IGNORE} would
   *       also turn truncation into a warning, and {@code ON DUPLICATE KEY UPDATE} counts a matched
   *       row as written under the drivers' default {@code useAffectedRows=false}.
   *   <li><b>The record is read with a locking read.</b> Under REPEATABLE READ a plain {@code
   *       SELECT} reads the snapshot of the transaction's first read: in an application's (or an
   *       outer claim's) transaction that read earlier, it would miss the row whose duplicate key
   *       the insert just reported. {@code LOCK IN SHARE MODE} (MySQL 8 and MariaDB both accept it)
   *       reads the latest committed row; the duplicate key already holds that shared lock.
   *   <li><b>Deadlocks are part of the protocol.</b> A failed duplicate insert holds a shared lock
   *       on the row until its transaction ends; two claims that both then want to write the row
   *       (both take over one expired record, or both insert after the first claim rolled back)
   *       deadlock, and InnoDB rolls one transaction back whole (error 1213). A claim in its own
   *       transaction then claims again (see {@link Dialect#isDeadlock}); one in the application's
   *       transaction fails, since the application's work went with it.
   *   <li><b>The lock timeout is a session setting</b> in whole seconds ({@code
   *       innodb_lock_wait_timeout}, rounded up), set once per connection, as on H2: it also bounds
   *       the handler's own lock waits on that connection. MySQL 8 has no per-statement form of it.
   *   <li><b>A transaction can end under the handler.</b> A deadlock (or, with {@code
   *       innodb_rollback_on_timeout}, a lock wait timeout) in the handler's own statements rolls
   *       back the whole transaction, claim row included, and the statements after it run in a new
   *       one. A handler that catches that error must not be reported completed, so before each
   *       commit the store updates the claim row in the transaction ({@link
   *       TransactionHealth#UNKNOWN}), which finds no row if it went. This needs the drivers'
   *       default {@code useAffectedRows=false}, under which an update that changes nothing still
   *       counts the row it matched.
   * </ul>
   */
  private static final class MySqlDialect extends Dialect {

    @Override
    public String productName() {
      return "MySQL";
    }

    @Override
    public String ddlResource() {
      return "io/idempo/runtime/jdbc/mysql.sql";
    }

    @Override
    String insertClaim(String table) {
      // Waits for a concurrent uncommitted insert of the same key, then fails with error 1062 if
      // that one committed, or inserts if it rolled back.
      return "INSERT INTO " + table + " (" + columns() + ") VALUES (?, ?, ?, NULL, ?, ?, ?)";
    }

    @Override
    String selectRecord(String table) {
      return super.selectRecord(table) + " LOCK IN SHARE MODE";
    }

    @Override
    String takeOver(String table) {
      return "UPDATE " + table + TAKE_OVER_SET + TAKE_OVER_WHERE;
    }

    @Override
    boolean insertRaisesDuplicateKey() {
      return true;
    }

    @Override
    TransactionHealth transactionHealth(Connection connection) {
      return TransactionHealth.UNKNOWN;
    }

    @Override
    String sessionLockTimeout(int millis) {
      // Whole seconds only; 0 would not wait at all on MariaDB.
      long seconds = Math.max(1, (millis + 999L) / 1000);
      return "SET SESSION innodb_lock_wait_timeout = " + seconds;
    }

    @Override
    String purgeBatch(String table) {
      return "DELETE FROM " + table + " WHERE status = ? AND expires_at <= ? LIMIT ?";
    }

    @Override
    String indexName(TableName table) {
      // An index belongs to its table; the DDL declares it inside CREATE TABLE.
      return table.table() + INDEX_SUFFIX;
    }

    @Override
    Object timestamp(Instant instant) {
      Instant capped = instant.isAfter(LATEST) ? LATEST : instant;
      return LocalDateTime.ofEpochSecond(
          capped.getEpochSecond(), capped.getNano() / 1000 * 1000, ZoneOffset.UTC);
    }

    @Override
    Instant instant(ResultSet row, int column) throws SQLException {
      return row.getObject(column, LocalDateTime.class).toInstant(ZoneOffset.UTC);
    }
  }
}
