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

  /** The dialects {@link #of(Connection)} recognises, in the order it asks them. */
  private static final List<Dialect> SUPPORTED = List.of(H2, POSTGRESQL);

  /** The store's table name in its DDL resources, replaced by the configured one. */
  static final String DDL_TABLE = "idempo_claims";

  private static final String COLUMNS =
      "handler_name, idempotency_key, status, result, claim_token, expires_at, created_at";

  /** The SET clause of {@link #takeOver}: status, token, expires_at, created_at. */
  static final String TAKE_OVER_SET =
      " SET status = ?, result = NULL, claim_token = ?, expires_at = ?, created_at = ?";

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
   * True if {@code e} says the statement gave up waiting for a row lock another transaction holds
   * (the claim's lock timeout), and nothing else: a statement cancelled by a statement or query
   * timeout (SQLState 57014) is a failure, not a key in flight.
   */
  abstract boolean isLockTimeout(SQLException e);

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
   * Inserts a claim row: handler, key, status, token, expires_at, created_at, after the lock
   * timeout where {@link LockWaits#bind} puts it first. Writes nothing when the row exists or, if
   * {@link #insertRaisesDuplicateKey()}, fails with a duplicate key. A claim that inserted nothing
   * reads the record with {@link #selectRecord}.
   *
   * <p>It reads nothing itself. A claim statement on PostgreSQL that also read the record it
   * yielded to (in a {@code UNION ALL} over the insert's {@code RETURNING}) saved a duplicate its
   * round trip, but cost every claim more server CPU than the read costs the duplicates: with 20%
   * duplicates, 12–24 µs of server CPU per delivery more (docs/performance.md).
   */
  abstract String insertClaim(String table);

  /**
   * Takes over an expired record: status, token, expires_at, created_at, handler, key, now, after
   * the lock timeout where {@link LockWaits#bind} puts it first. Matches no row unless the record
   * is still expired, so of two deliveries only one takes it over.
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

  /** Deletes at most n expired records of one status: status, now, n. */
  final String purgeBatch(String table) {
    return deleteBatch(table, "status = ? AND expires_at <= ?");
  }

  /** Reads a record: handler, key. */
  final String selectRecord(String table) {
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

  /** The claim row's columns, in the order {@link #insertClaim} binds them. */
  static String columns() {
    return COLUMNS;
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
    LockWaits lockWaits(int millis) {
      return new LockWaits.H2LockWaits(millis);
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
    LockWaits lockWaits(int millis) {
      return new LockWaits.StatementLockWaits(millis);
    }

    @Override
    String insertClaim(String table) {
      // Waits for a concurrent uncommitted insert of the same key, then inserts nothing (no row)
      // if that one committed, or the row (one row) if it rolled back. An existing row is no
      // error, so the transaction stays usable; only a wait past the lock timeout is.
      return LockWaits.StatementLockWaits.BOUND_LOCK_WAITS
          + "INSERT INTO "
          + table
          + " ("
          + columns()
          + ") SELECT ?, ?, ?, NULL, ?, ?, ? FROM lock_bound"
          + " ON CONFLICT (handler_name, idempotency_key) DO NOTHING"
          + LockWaits.StatementLockWaits.RESTORE_LOCK_TIMEOUT;
    }

    @Override
    String takeOver(String table) {
      return LockWaits.StatementLockWaits.BOUND_LOCK_WAITS
          + "UPDATE "
          + table
          + TAKE_OVER_SET
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
}
