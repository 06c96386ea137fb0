package io.idempo.runtime.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything that differs between the databases Idempo's JDBC store and outbox run on, for one
 * database: detection, the DDL resources, the SQLState predicates, how timestamps and UUIDs are
 * bound and read, how a claim statement bounds its lock wait, and the statements that differ. The
 * statements shared by every database are here too; {@link ClaimStatements} and the outbox's own
 * statements build on them. Every value is a bound parameter; a validated {@link TableName} is the
 * only text put into SQL.
 *
 * <p>Adding a database is one subclass here (registered in {@link #SUPPORTED}), its DDL resources
 * ({@code io/idempo/runtime/jdbc/<name>.sql} and {@code io/idempo/runtime/outbox/<name>.sql}) and a
 * subclass of each contract suite; docs/runtime.md has the recipe.
 */
public abstract class Dialect {

  /** H2 2.x. */
  public static final Dialect H2 = new H2Dialect();

  /** PostgreSQL 12 or newer. */
  public static final Dialect POSTGRESQL = new PostgresDialect();

  /**
   * MySQL 8.0 or newer, InnoDB; also MariaDB reached through MySQL's driver, which reports it as
   * MySQL. Its claim statements' lock waits are bounded by a session setting around them.
   */
  public static final Dialect MYSQL = new MySqlDialect();

  /**
   * MariaDB 10.11 or newer, InnoDB, through MariaDB's driver: {@link #MYSQL}'s SQL, with lock waits
   * bounded inside each claim statement ({@code SET STATEMENT ... FOR}).
   */
  public static final Dialect MARIADB = new MariaDbDialect();

  /** The dialects {@link #of(Connection)} recognises, in the order it asks them. */
  private static final List<Dialect> SUPPORTED = List.of(H2, POSTGRESQL, MYSQL, MARIADB);

  /** The store's table name in its DDL resources, replaced by the configured one. */
  static final String DDL_TABLE = "idempo_claims";

  private static final String COLUMNS =
      "handler_name, idempotency_key, status, result, claim_token, expires_at, created_at";

  /** The SET clause of {@link #takeOver}: status, token, expires_at, created_at. */
  static final String TAKE_OVER_SET =
      " SET status = ?, result = NULL, claim_token = ?, expires_at = ?, created_at = ?";

  /**
   * The SET clause's addition in {@link #takeOver(String, boolean)} with the fingerprint column:
   * the fingerprint, after created_at.
   */
  static final String TAKE_OVER_SET_FINGERPRINT = ", fingerprint = ?";

  /** The column that keeps a record's payload fingerprint (nullable; absent in older tables). */
  static final String FINGERPRINT_COLUMN = "fingerprint";

  /** The WHERE clause of {@link #takeOver}: handler, key, now. */
  static final String TAKE_OVER_WHERE =
      " WHERE handler_name = ? AND idempotency_key = ? AND expires_at <= ?";

  /** Beyond PostgreSQL's range; far-future instants are stored as this. */
  private static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

  Dialect() {}

  // ---------------------------------------------------------------------------------------------
  // Detection and DDL

  /**
   * The dialect of the database {@code connection} belongs to, from its product name.
   *
   * @throws IllegalArgumentException if Idempo does not support that database
   */
  public static Dialect of(Connection connection) throws SQLException {
    return forProductName(connection.getMetaData().getDatabaseProductName());
  }

  /** The dialect for a database product name from {@code DatabaseMetaData}. */
  static Dialect forProductName(String productName) {
    for (Dialect dialect : SUPPORTED) {
      if (dialect.matchesProductName(productName)) {
        return dialect;
      }
    }
    StringBuilder supported = new StringBuilder();
    for (Dialect dialect : SUPPORTED) {
      supported.append(supported.length() == 0 ? "" : ", ").append(dialect.productName());
    }
    throw new IllegalArgumentException(
        "Idempo's JDBC store and outbox support "
            + supported
            + ", but the DataSource connects to '"
            + productName
            + "'");
  }

  /** The database's name, as reported by its JDBC driver. */
  public abstract String productName();

  /** True if {@code productName} (from {@code DatabaseMetaData}) is this database. */
  boolean matchesProductName(String productName) {
    return productName().equals(productName);
  }

  /** The name of this database's DDL resources: {@code <name>.sql}. */
  abstract String resourceName();

  /** The classpath resource holding the idempotency table's DDL for this database. */
  public final String ddlResource() {
    return "io/idempo/runtime/jdbc/" + resourceName() + ".sql";
  }

  /** The classpath resource holding the outbox table's DDL for this database. */
  public final String outboxDdlResource() {
    return "io/idempo/runtime/outbox/" + resourceName() + ".sql";
  }

  /** The idempotency table's DDL statements for {@code table}, from {@link #ddlResource()}. */
  final List<String> ddl(TableName table) {
    return ddl(ddlResource(), DDL_TABLE, table);
  }

  /**
   * The DDL statements in {@code resource} (statements end with {@code ;}, lines starting with
   * {@code --} are comments), with table {@code ddlTable} renamed to {@code table} and its indexes,
   * named {@code <ddlTable>_<what>_idx}, renamed to match.
   */
  public final List<String> ddl(String resource, String ddlTable, TableName table) {
    String text;
    try (InputStream in = Dialect.class.getResourceAsStream("/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
    StringBuilder withoutComments = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (!line.strip().startsWith("--")) {
        withoutComments.append(line).append('\n');
      }
    }
    Pattern index = Pattern.compile("\\b" + ddlTable + "(_[a-z_]+_idx)\\b");
    Pattern tableName = Pattern.compile("\\b" + ddlTable + "\\b");
    String sql =
        index
            .matcher(withoutComments)
            .replaceAll(m -> Matcher.quoteReplacement(indexName(table, m.group(1))));
    sql = tableName.matcher(sql).replaceAll(Matcher.quoteReplacement(table.qualified()));
    List<String> statements = new ArrayList<>();
    for (String statement : sql.split(";", -1)) {
      if (!statement.isBlank()) {
        statements.add(statement.strip());
      }
    }
    return statements;
  }

  /**
   * Runs DDL statements from {@link #ddl(String, String, TableName)} on {@code connection}, in
   * auto-commit; a statement that fails only because what it creates exists already (where the
   * database has no {@code IF NOT EXISTS} for it) counts as done.
   */
  public final void createIfMissing(Connection connection, List<String> statements)
      throws SQLException {
    connection.setAutoCommit(true);
    try (Statement statement = connection.createStatement()) {
      for (String ddl : statements) {
        try {
          statement.execute(ddl);
        } catch (SQLException e) {
          if (!isAlreadyExists(e)) {
            throw e;
          }
        }
      }
    }
  }

  /** The SQL type of the {@code fingerprint} column: 32 bytes, a SHA-256 digest. */
  abstract String fingerprintType();

  /**
   * The statement that adds the {@code fingerprint} column to {@code table} when it was created
   * before the store kept payload fingerprints; docs/runtime.md lists it for each database.
   */
  final String addFingerprintColumn(TableName table) {
    return "ALTER TABLE "
        + table.qualified()
        + " ADD COLUMN "
        + FINGERPRINT_COLUMN
        + " "
        + fingerprintType();
  }

  /**
   * The name of the index {@code <table><suffix>} as the DDL must write it: schema-qualified where
   * the database wants it so.
   */
  abstract String indexName(TableName table, String suffix);

  // ---------------------------------------------------------------------------------------------
  // SQLState predicates

  /** True if {@code e} says a unique or primary key value is taken. */
  public boolean isDuplicateKey(SQLException e) {
    return "23505".equals(e.getSQLState());
  }

  /** True if {@code e} says the table does not exist. */
  public abstract boolean isMissingTable(SQLException e);

  /**
   * True if {@code e} says a column the statement names does not exist: in a claim statement, the
   * {@code fingerprint} column of a table created before the store kept payload fingerprints.
   */
  abstract boolean isMissingColumn(SQLException e);

  /**
   * True if {@code e} says the statement gave up waiting for a row lock another transaction holds
   * (the claim's lock timeout), and nothing else: a statement cancelled by a statement or query
   * timeout (SQLState 57014) is a failure, not a key in flight.
   */
  abstract boolean isLockTimeout(SQLException e);

  /**
   * True if {@code e} says the database ended the whole transaction to break a deadlock, with
   * nothing of it left; false where a deadlock is not part of a claim's protocol.
   */
  boolean isDeadlock(SQLException e) {
    return false;
  }

  /** True if {@code e} says a DDL statement's table or index exists already. */
  boolean isAlreadyExists(SQLException e) {
    return false;
  }

  // ---------------------------------------------------------------------------------------------
  // Values

  /**
   * {@code instant} as the bound value of a timestamp column, to the microsecond; instants past
   * the year 9999 are stored as its end.
   */
  public Object timestamp(Instant instant) {
    Instant capped = instant.isAfter(LATEST) ? LATEST : instant;
    // Not OffsetDateTime.ofInstant: that builds the offset's ZoneRules on every call.
    return LocalDateTime.ofEpochSecond(
            capped.getEpochSecond(), capped.getNano() / 1000 * 1000, ZoneOffset.UTC)
        .atOffset(ZoneOffset.UTC);
  }

  /** The instant in timestamp column {@code column} of {@code row}, as {@link #timestamp} wrote. */
  public Instant instant(ResultSet row, int column) throws SQLException {
    return row.getObject(column, OffsetDateTime.class).toInstant();
  }

  /** {@code id} as the bound value of a UUID column. */
  public Object uuid(UUID id) {
    return id;
  }

  /** The UUID in column {@code column} of {@code row}, as {@link #uuid(UUID)} wrote it. */
  public UUID uuid(ResultSet row, int column) throws SQLException {
    return row.getObject(column, UUID.class);
  }

  /** The latest instant a timestamp column holds; later ones are stored as this. */
  static Instant latest() {
    return LATEST;
  }

  // ---------------------------------------------------------------------------------------------
  // Statements

  /**
   * {@code orderedQuery} (a SELECT ending in its ORDER BY) limited to its first {@code ?} rows,
   * which it locks, skipping rows another transaction has locked: the outbox relay's poll. The
   * limit is the last parameter.
   */
  public abstract String firstRowsSkipLocked(String orderedQuery);

  /**
   * The isolation level ({@code Connection.TRANSACTION_*}) of a transaction that takes rows with
   * {@link #firstRowsSkipLocked} and holds them a while (the outbox relay's batch, held while it
   * publishes), or -1 to leave the connection's own.
   */
  public int skipLockedIsolation() {
    return -1;
  }

  /**
   * Deletes at most {@code ?} rows of {@code table} that match {@code where} (whose parameters come
   * first; the limit is the last), skipping rows another transaction has locked where the database
   * can: a purge batch.
   */
  public abstract String deleteBatch(String table, String where);

  /**
   * How this database bounds a claim statement's wait for a row lock to {@code millis}: a session
   * setting around the claim statements, or a bound inside each statement.
   */
  abstract LockWaits lockWaits(int millis);

  /**
   * The statements that claim a batch's keys in one step on {@code table} (as used in SQL), whose
   * lock waits last at most {@code lockMillis}; null where the database has none (MySQL and
   * MariaDB), whose stores claim a batch key by key.
   */
  abstract BatchClaimStatements batchClaimStatements(String table, int lockMillis);

  /**
   * Inserts a claim row: handler, key, status, token, expires_at, created_at, and the fingerprint
   * if {@code fingerprint} (then handler and key again if {@link #insertBindsKeyAgain()}), after
   * the lock timeout where {@link LockWaits#bind} puts it first. Without {@code fingerprint} the
   * statement does not name the fingerprint column, which may be absent, and leaves it null.
   * Writes nothing when the row exists or, if {@link #insertRaisesDuplicateKey()}, may fail with a
   * duplicate key. A claim that inserted nothing reads the record with {@link #selectRecord}.
   *
   * <p>It reads nothing itself. A claim statement on PostgreSQL that also read the record it
   * yielded to (in a {@code UNION ALL} over the insert's {@code RETURNING}) saved a duplicate its
   * round trip, but cost every claim more server CPU than the read costs the duplicates: with 20%
   * duplicates, 12–24 µs of server CPU per delivery more (docs/performance.md).
   */
  abstract String insertClaim(String table, boolean fingerprint);

  /**
   * Takes over an expired record: status, token, expires_at, created_at, the fingerprint if {@code
   * fingerprint} (which may be bound null), handler, key, now, after the lock timeout where {@link
   * LockWaits#bind} puts it first. Matches no row unless the record is still expired, so of two
   * deliveries only one takes it over. Without {@code fingerprint} it leaves the fingerprint
   * column, which may be absent, as it is.
   */
  abstract String takeOver(String table, boolean fingerprint);

  /** The SET clause of {@link #takeOver(String, boolean)}. */
  static String takeOverSet(boolean fingerprint) {
    return fingerprint ? TAKE_OVER_SET + TAKE_OVER_SET_FINGERPRINT : TAKE_OVER_SET;
  }

  /**
   * True if {@link #insertClaim} may report an existing row by a duplicate-key error (on H2, only
   * a row another transaction committed while the insert waited for it).
   */
  abstract boolean insertRaisesDuplicateKey();

  /**
   * True if {@link #insertClaim} takes the handler and the key again after its six (or seven)
   * values, to look for the row before it inserts.
   */
  boolean insertBindsKeyAgain() {
    return false;
  }

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
   * True if a claim's transaction that wrote nothing (it found a duplicate) ends with a commit
   * rather than a rollback, and a nested claim's savepoint is released rather than rolled back to,
   * where the two do the same but a rollback costs more: H2 clears the session's cache of compiled
   * statements on every rollback, so that the next claim's statements are compiled again.
   */
  boolean commitsUnwrittenTransactions() {
    return false;
  }

  /** Deletes at most n expired records of one status: status, now, n. */
  final String purgeBatch(String table) {
    return deleteBatch(table, "status = ? AND expires_at <= ?");
  }

  /**
   * Reads a record (status, result, claim_token, expires_at, then the fingerprint if {@code
   * fingerprint}): handler, key. It must read the latest committed row, not a snapshot taken
   * earlier in the transaction: the row whose duplicate key the claim's insert just met.
   */
  String selectRecord(String table, boolean fingerprint) {
    return "SELECT status, result, claim_token, expires_at"
        + (fingerprint ? ", " + FINGERPRINT_COLUMN : "")
        + " FROM "
        + table
        + " WHERE handler_name = ? AND idempotency_key = ?";
  }

  /**
   * Reads no row of {@code table}, only its columns, which tell whether it has the fingerprint
   * column; no error whichever columns it has.
   */
  static String selectNoRow(String table) {
    return "SELECT * FROM " + table + " WHERE 1 = 0";
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

  /**
   * The claim row's columns, in the order {@link #insertClaim} binds them, with the fingerprint
   * column last if {@code fingerprint}.
   */
  static String columns(boolean fingerprint) {
    return fingerprint ? COLUMNS + ", " + FINGERPRINT_COLUMN : COLUMNS;
  }

  /** The insert's values after the lock bound: six, or seven with the fingerprint. */
  static String claimValues(boolean fingerprint) {
    return fingerprint ? "?, ?, ?, NULL, ?, ?, ?, ?" : "?, ?, ?, NULL, ?, ?, ?";
  }

  @Override
  public String toString() {
    return productName().toLowerCase(Locale.ROOT);
  }

  // ---------------------------------------------------------------------------------------------
  // The databases

  private static final class H2Dialect extends Dialect {
    @Override
    public String productName() {
      return "H2";
    }

    @Override
    String resourceName() {
      return "h2";
    }

    @Override
    String indexName(TableName table, String suffix) {
      // H2 puts an index in the schema its name names.
      String index = table.table() + suffix;
      return table.schema() == null ? index : table.schema() + "." + index;
    }

    @Override
    public boolean isMissingTable(SQLException e) {
      String state = e.getSQLState();
      return "42S02".equals(state) // error 42102: table not found
          || "42102".equals(state)
          || "42S04".equals(state) // error 42104: table not found, the database has none at all
          || "42104".equals(state);
    }

    @Override
    boolean isMissingColumn(SQLException e) {
      String state = e.getSQLState();
      return "42S22".equals(state) || "42122".equals(state); // error 42122: column not found
    }

    @Override
    String fingerprintType() {
      return "VARBINARY(32)";
    }

    @Override
    boolean isLockTimeout(SQLException e) {
      // LOCK_TIMEOUT_1: error 50200, SQLState HYT00. A cancelled statement is error 57014.
      return "HYT00".equals(e.getSQLState()) || e.getErrorCode() == 50200;
    }

    @Override
    public String firstRowsSkipLocked(String orderedQuery) {
      return orderedQuery + " FETCH FIRST ? ROWS ONLY FOR UPDATE SKIP LOCKED";
    }

    @Override
    public String deleteBatch(String table, String where) {
      return "DELETE FROM " + table + " WHERE " + where + " FETCH FIRST ? ROWS ONLY";
    }

    @Override
    BatchClaimStatements batchClaimStatements(String table, int lockMillis) {
      return BatchClaimStatements.h2(this, table, lockMillis);
    }

    @Override
    LockWaits lockWaits(int millis) {
      return new LockWaits.H2LockWaits(millis);
    }

    @Override
    String insertClaim(String table, boolean fingerprint) {
      // H2 has no ON CONFLICT outside PostgreSQL mode. The insert skips a committed row itself:
      // on H2 a duplicate-key error is costly beyond the error, because a failed statement rolls
      // back to its savepoint, and every rollback clears the session's cache of compiled
      // statements, so the claim's read and the next claim's insert are compiled again
      // (docs/performance.md). A
      // concurrent uncommitted insert of the same key is invisible to NOT EXISTS: the insert then
      // waits for it, and fails with 23505 if it committed, or succeeds if it rolled back. A
      // failed statement does not end H2's transaction.
      return "INSERT INTO "
          + table
          + " ("
          + columns(fingerprint)
          + ") SELECT "
          + claimValues(fingerprint)
          + " WHERE NOT EXISTS (SELECT 1 FROM "
          + table
          + " WHERE handler_name = ? AND idempotency_key = ?)";
    }

    @Override
    boolean insertBindsKeyAgain() {
      return true;
    }

    @Override
    boolean commitsUnwrittenTransactions() {
      return true;
    }

    @Override
    String takeOver(String table, boolean fingerprint) {
      return "UPDATE " + table + takeOverSet(fingerprint) + TAKE_OVER_WHERE;
    }

    @Override
    boolean insertRaisesDuplicateKey() {
      return true;
    }

    @Override
    TransactionHealth transactionHealth(Connection connection) {
      return TransactionHealth.HEALTHY; // H2 rolls back only the failed statement
    }
  }

  private static final class PostgresDialect extends Dialect {
    @Override
    public String productName() {
      return "PostgreSQL";
    }

    @Override
    String resourceName() {
      return "postgresql";
    }

    @Override
    String indexName(TableName table, String suffix) {
      // PostgreSQL puts an index in its table's schema and refuses a qualified index name.
      return table.table() + suffix;
    }

    @Override
    public boolean isMissingTable(SQLException e) {
      return "42P01".equals(e.getSQLState());
    }

    @Override
    boolean isMissingColumn(SQLException e) {
      return "42703".equals(e.getSQLState()); // undefined_column
    }

    @Override
    String fingerprintType() {
      return "BYTEA";
    }

    @Override
    boolean isLockTimeout(SQLException e) {
      // lock_not_available, raised by lock_timeout; a statement_timeout is 57014.
      return "55P03".equals(e.getSQLState());
    }

    @Override
    public String firstRowsSkipLocked(String orderedQuery) {
      return orderedQuery + " LIMIT ? FOR UPDATE SKIP LOCKED";
    }

    @Override
    public String deleteBatch(String table, String where) {
      // Short batches by physical row id; rows locked by anyone are skipped, not waited for.
      return "DELETE FROM "
          + table
          + " WHERE ctid IN (SELECT ctid FROM "
          + table
          + " WHERE "
          + where
          + " LIMIT ? FOR UPDATE SKIP LOCKED)";
    }

    @Override
    BatchClaimStatements batchClaimStatements(String table, int lockMillis) {
      return BatchClaimStatements.postgres(this, table, lockMillis);
    }

    @Override
    LockWaits lockWaits(int millis) {
      return new LockWaits.StatementLockWaits(millis);
    }

    @Override
    String insertClaim(String table, boolean fingerprint) {
      // Waits for a concurrent uncommitted insert of the same key, then inserts nothing (no row)
      // if that one committed, or the row (one row) if it rolled back. An existing row is no
      // error, so the transaction stays usable; only a wait past the lock timeout is.
      return LockWaits.StatementLockWaits.BOUND_LOCK_WAITS
          + "INSERT INTO "
          + table
          + " ("
          + columns(fingerprint)
          + ") SELECT "
          + claimValues(fingerprint)
          + " FROM lock_bound"
          + " ON CONFLICT (handler_name, idempotency_key) DO NOTHING"
          + LockWaits.StatementLockWaits.RESTORE_LOCK_TIMEOUT;
    }

    @Override
    String takeOver(String table, boolean fingerprint) {
      return LockWaits.StatementLockWaits.BOUND_LOCK_WAITS
          + "UPDATE "
          + table
          + takeOverSet(fingerprint)
          + " FROM lock_bound"
          + TAKE_OVER_WHERE
          + LockWaits.StatementLockWaits.RESTORE_LOCK_TIMEOUT;
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
  }

  /**
   * MySQL 8.0+ and MariaDB 10.11+ with InnoDB, at REPEATABLE READ (their default) or READ
   * COMMITTED; the DDL is {@code mysql.sql}. What differs from H2 and PostgreSQL, and why:
   *
   * <ul>
   *   <li><b>Keys are bytes.</b> {@code handler_name} and {@code idempotency_key} are {@code
   *       VARBINARY}, compared byte by byte, so keys that differ in case or trailing spaces stay
   *       apart, as on H2 and PostgreSQL. (The default collations ignore case, and every PAD SPACE
   *       collation, {@code utf8mb4_bin} included, ignores trailing spaces.)
   *   <li><b>Timestamps are UTC {@code DATETIME(6)}</b>, bound and read as {@link LocalDateTime}:
   *       MySQL has no {@code TIMESTAMP WITH TIME ZONE}, its {@code TIMESTAMP} ends in 2038, and
   *       neither the driver's nor the session's time zone then moves a value.
   *   <li><b>The claim inserts plainly</b>, as on H2: a duplicate key is error 1062, which undoes
   *       the statement only. ({@code INSERT IGNORE} also turns truncation into a warning; {@code
   *       ON DUPLICATE KEY UPDATE} counts a matched row as written under the drivers' default
   *       {@code useAffectedRows=false}.)
   *   <li><b>The record is read with a locking read</b> ({@code LOCK IN SHARE MODE}, which both
   *       servers accept). Under REPEATABLE READ a plain read sees the snapshot of the
   *       transaction's first read: in an application's (or an outer claim's) transaction that
   *       read earlier, it misses the row whose duplicate key the insert just met. The duplicate
   *       key already holds that shared lock.
   *   <li><b>Deadlocks are part of the protocol.</b> A failed duplicate insert holds a shared lock
   *       on the key until its transaction ends; two claims that then both write the key (both
   *       take over one expired record, or both insert after the first claim rolled back)
   *       deadlock, and InnoDB rolls one transaction back whole (error 1213). A claim in its own
   *       transaction claims again at once; one in the application's transaction fails, since the
   *       application's work went with it.
   *   <li><b>A transaction can end under the handler.</b> A deadlock in the handler's own
   *       statements (or a lock wait timeout with {@code innodb_rollback_on_timeout}) rolls back
   *       the whole transaction, claim row included, and statements after it run in a new one.
   *       So the store updates the claim row before every commit ({@link TransactionHealth#UNKNOWN})
   *       and refuses to commit if it is gone. This needs the drivers' default {@code
   *       useAffectedRows=false}, under which an update that changes nothing still counts the row.
   * </ul>
   */
  private static class MySqlDialect extends Dialect {
    @Override
    public String productName() {
      return "MySQL";
    }

    @Override
    String resourceName() {
      return "mysql";
    }

    @Override
    String indexName(TableName table, String suffix) {
      // An index belongs to its table (the DDL declares it inside CREATE TABLE).
      return table.table() + suffix;
    }

    @Override
    public boolean isDuplicateKey(SQLException e) {
      return e.getErrorCode() == 1062; // ER_DUP_ENTRY, SQLState 23000
    }

    @Override
    public boolean isMissingTable(SQLException e) {
      return e.getErrorCode() == 1146; // ER_NO_SUCH_TABLE, SQLState 42S02
    }

    @Override
    boolean isMissingColumn(SQLException e) {
      return e.getErrorCode() == 1054; // ER_BAD_FIELD_ERROR, SQLState 42S22
    }

    @Override
    String fingerprintType() {
      return "VARBINARY(32)";
    }

    @Override
    boolean isLockTimeout(SQLException e) {
      // ER_LOCK_WAIT_TIMEOUT: SQLState HY000 from MariaDB's driver, 40001 from MySQL's. A
      // statement killed by max_statement_time or MAX_EXECUTION_TIME is another error (1969,
      // 3024).
      return e.getErrorCode() == 1205;
    }

    @Override
    boolean isDeadlock(SQLException e) {
      return e.getErrorCode() == 1213; // ER_LOCK_DEADLOCK, SQLState 40001
    }

    @Override
    public Object timestamp(Instant instant) {
      Instant capped = instant.isAfter(latest()) ? latest() : instant;
      return LocalDateTime.ofEpochSecond(
          capped.getEpochSecond(), capped.getNano() / 1000 * 1000, ZoneOffset.UTC);
    }

    @Override
    public Instant instant(ResultSet row, int column) throws SQLException {
      return row.getObject(column, LocalDateTime.class).toInstant(ZoneOffset.UTC);
    }

    @Override
    public Object uuid(UUID id) {
      return id.toString(); // a CHAR(36) column: MySQL has no UUID type
    }

    @Override
    public UUID uuid(ResultSet row, int column) throws SQLException {
      return UUID.fromString(row.getString(column));
    }

    @Override
    public String firstRowsSkipLocked(String orderedQuery) {
      return orderedQuery + " LIMIT ? FOR UPDATE SKIP LOCKED"; // MySQL 8.0.1, MariaDB 10.6
    }

    /**
     * READ COMMITTED: under REPEATABLE READ a poll that did not fill its batch has read to the end
     * of the table and locks the gap after the last row, where every new row goes, so that every
     * sender would wait for the relay's publish.
     */
    @Override
    public int skipLockedIsolation() {
      return Connection.TRANSACTION_READ_COMMITTED;
    }

    @Override
    public String deleteBatch(String table, String where) {
      // DELETE ... LIMIT cannot skip locked rows; a batch waits for a row a relay holds.
      return "DELETE FROM " + table + " WHERE " + where + " LIMIT ?";
    }

    @Override
    BatchClaimStatements batchClaimStatements(String table, int lockMillis) {
      return null; // no statement both inserts many keys and says which were new
    }

    @Override
    LockWaits lockWaits(int millis) {
      return new LockWaits.MySqlSessionLockWaits(millis);
    }

    @Override
    String insertClaim(String table, boolean fingerprint) {
      // Waits for a concurrent uncommitted insert of the same key, then fails with error 1062 if
      // that one committed, or inserts if it rolled back.
      return "INSERT INTO "
          + table
          + " ("
          + columns(fingerprint)
          + ") VALUES ("
          + claimValues(fingerprint)
          + ")";
    }

    @Override
    String selectRecord(String table, boolean fingerprint) {
      return super.selectRecord(table, fingerprint) + " LOCK IN SHARE MODE";
    }

    @Override
    String takeOver(String table, boolean fingerprint) {
      return "UPDATE " + table + takeOverSet(fingerprint) + TAKE_OVER_WHERE;
    }

    @Override
    boolean insertRaisesDuplicateKey() {
      return true;
    }

    @Override
    TransactionHealth transactionHealth(Connection connection) {
      return TransactionHealth.UNKNOWN;
    }
  }

  private static final class MariaDbDialect extends MySqlDialect {
    @Override
    public String productName() {
      return "MariaDB";
    }

    @Override
    LockWaits lockWaits(int millis) {
      return new LockWaits.MariaDbStatementLockWaits(millis);
    }
  }
}
