package io.idempo.runtime.jdbc;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SQL of batch claims ({@link JdbcIdempotencyStore#claimBatch}), for one database and table,
 * with its parameters bound here too. A batch's keys travel as one array parameter, in the order
 * the store claims them, so one statement claims the whole batch:
 *
 * <ul>
 *   <li>{@link #insert}: inserts a row for every key that has none, in the array's order, and
 *       returns the keys it inserted. PostgreSQL: {@code INSERT ... SELECT ... FROM unnest(?) WITH
 *       ORDINALITY ... ON CONFLICT DO NOTHING RETURNING}; the same statement also reads the records
 *       of the keys it did not insert, as its snapshot shows them, so a batch with duplicates
 *       costs one statement too. Everything is aggregated into one row of arrays before the
 *       statement puts the connection's {@code lock_timeout} back. H2 (no {@code ON CONFLICT}
 *       outside its PostgreSQL mode): {@code SELECT ... FROM FINAL TABLE (INSERT ... SELECT ...
 *       WHERE NOT EXISTS ...)}. It waits for a concurrent uncommitted insert of a key and fails
 *       with 23505 if that one committed; the store then runs it again, and the committed row is
 *       no longer inserted.
 *   <li>{@link #select}: the records of the keys not inserted, to tell duplicates from expired
 *       records and deliveries in flight: on H2 after every insert that left keys out, on
 *       PostgreSQL only for a key whose row committed after the insert's snapshot was taken (a
 *       concurrent delivery's, which the insert waited for).
 *   <li>{@link #takeOver}: takes over expired records (rare), returning the keys it took.
 *   <li>{@link #completeLeases}, {@link #deleteLeases} and {@link #check}: one statement each for
 *       all the batch's acquired keys.
 * </ul>
 *
 * <p>Every value is a bound parameter; the table name, validated by {@link TableName}, is the only
 * text put into SQL.
 */
abstract class BatchClaimStatements {

  private static final String COLUMNS =
      "handler_name, idempotency_key, status, result, claim_token, expires_at, created_at";

  final Dialect dialect;
  final String table;
  private final KeyCondition keys;
  private final String select;
  private final String completeLeases;
  private final String deleteLeases;
  private final String check;

  /** The SQL that stands for the key array parameter, typed where the database needs it. */
  final String keyArray;

  /** How the claim statements' lock waits are bounded (H2: per claim, on the session). */
  final LockWaits lockWaits;

  /** The lock timeout in milliseconds, as text, for statements that bound their own waits. */
  final String lockTimeoutMillis;

  private BatchClaimStatements(
      Dialect dialect, String table, String keyArray, int lockMillis, KeyCondition keys) {
    this.dialect = dialect;
    this.table = table;
    this.keyArray = keyArray;
    this.lockWaits = dialect.lockWaits(lockMillis);
    this.lockTimeoutMillis = Integer.toString(lockMillis);
    this.keys = keys;
    this.select =
        "SELECT idempotency_key, status, claim_token, expires_at FROM "
            + table
            + " WHERE "
            + keys.sql();
    this.completeLeases =
        "UPDATE "
            + table
            + " SET status = ?, result = NULL, expires_at = ? WHERE "
            + keys.sql()
            + " AND claim_token = ?";
    this.deleteLeases = "DELETE FROM " + table + " WHERE " + keys.sql() + " AND claim_token = ?";
    this.check =
        "UPDATE " + table + " SET result = NULL WHERE " + keys.sql() + " AND claim_token = ?";
  }

  /**
   * How the statements that read or change a batch's own rows name them: the SQL of the condition,
   * with two parameters, the handler name and the key array, bound in the condition's order.
   */
  record KeyCondition(String sql, boolean keysFirst) {

    /** The handler's rows among the keys: {@code handler_name = ? AND idempotency_key = ANY(…)}. */
    static KeyCondition anyOf(String keyArray) {
      return new KeyCondition(
          "handler_name = ? AND idempotency_key = ANY(" + keyArray + ")", false);
    }

    int bind(PreparedStatement statement, int index, Connection connection, String handler, String[] keys)
        throws SQLException {
      Array array = keys(connection, keys);
      if (keysFirst) {
        statement.setArray(index, array);
        statement.setString(index + 1, handler);
      } else {
        statement.setString(index, handler);
        statement.setArray(index + 1, array);
      }
      return index + 2;
    }
  }

  /**
   * The statements of {@code dialect} on {@code table} (as used in SQL), whose lock waits last at
   * most {@code lockTimeout}; null for a dialect that has none (MySQL and MariaDB), whose stores
   * claim a batch key by key.
   */
  static BatchClaimStatements of(Dialect dialect, String table, Duration lockTimeout) {
    // At least 1 ms: a lock timeout of 0 means "wait forever" to the databases.
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, lockTimeout.toMillis()));
    return dialect.batchClaimStatements(table, millis);
  }

  /** PostgreSQL's statements, for {@link Dialect#batchClaimStatements}. */
  static BatchClaimStatements postgres(Dialect dialect, String table, int lockMillis) {
    return new Postgres(dialect, table, lockMillis);
  }

  /** H2's statements, for {@link Dialect#batchClaimStatements}. */
  static BatchClaimStatements h2(Dialect dialect, String table, int lockMillis) {
    return new H2(dialect, table, lockMillis);
  }

  /** A record as {@link #select} reads it. */
  record Row(String status, String token, Instant expiresAt) {}

  /**
   * What {@link #insert} did: the keys it inserted and, where the statement reads them too
   * (PostgreSQL), the records of the others that its snapshot saw, by key; null where it does not.
   */
  record Inserted(Set<String> keys, Map<String, Row> others) {}

  /**
   * Inserts a claim row for every key of {@code keys} without one, in that order, and returns the
   * keys it inserted (and, on PostgreSQL, the records of the others). On PostgreSQL the statement bounds its own lock waits to {@code
   * #lockTimeoutMillis} and puts the connection's {@code lock_timeout} back before it returns; on H2
   * the session's lock timeout bounds them.
   *
   * @throws SQLException with a lock-timeout SQLState if a key's concurrent insert did not end in
   *     time, or 23505 on H2 if one committed while the statement waited
   */
  abstract Inserted insert(
      Connection connection,
      String handlerName,
      String[] keys,
      String status,
      String token,
      Instant expiresAt,
      Instant now)
      throws SQLException;

  /**
   * Takes over the records of {@code keys} that expired by {@code now}, and returns the keys it
   * took; a record that is no longer expired (another delivery took it over) is left alone.
   */
  final Set<String> takeOver(
      Connection connection,
      String handlerName,
      String[] keys,
      String status,
      String token,
      Instant expiresAt,
      Instant now)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(takeOverSql())) {
      int next = bindLockWait(statement);
      statement.setString(next, status);
      statement.setString(next + 1, token);
      statement.setObject(next + 2, dialect.timestamp(expiresAt));
      statement.setObject(next + 3, dialect.timestamp(now));
      statement.setString(next + 4, handlerName);
      statement.setArray(next + 5, keys(connection, keys));
      statement.setObject(next + 6, dialect.timestamp(now));
      return changedKeys(statement);
    }
  }

  /** The take-over statement: its parameters after {@link #bindLockWait}'s are the same. */
  abstract String takeOverSql();

  /**
   * Binds the lock-wait bound where the take-over statement carries it in a parameter of its own
   * (PostgreSQL), and returns the index of the statement's next parameter.
   */
  abstract int bindLockWait(PreparedStatement statement) throws SQLException;

  /** Runs a statement that reports the keys it wrote, and returns them. */
  abstract Set<String> changedKeys(PreparedStatement statement) throws SQLException;

  /** True if {@link #insert} reports a concurrent committed insert by a duplicate-key error. */
  abstract boolean insertRaisesDuplicateKey();

  /** The records of {@code keys}, by key; a key without a record is absent. */
  final Map<String, Row> select(Connection connection, String handlerName, String[] keys)
      throws SQLException {
    Map<String, Row> rows = new HashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(select)) {
      this.keys.bind(statement, 1, connection, handlerName, keys);
      try (ResultSet row = statement.executeQuery()) {
        while (row.next()) {
          rows.put(
              row.getString(1),
              new Row(
                  row.getString(2),
                  row.getString(3),
                  dialect.instant(row, 4)));
        }
      }
    }
    return rows;
  }

  /** Marks the lease-mode claims of {@code keys} held by {@code token} completed; returns how many. */
  final int completeLeases(
      Connection connection,
      String handlerName,
      String[] keys,
      String token,
      String status,
      Instant expiresAt)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(completeLeases)) {
      statement.setString(1, status);
      statement.setObject(2, dialect.timestamp(expiresAt));
      int next = this.keys.bind(statement, 3, connection, handlerName, keys);
      statement.setString(next, token);
      return statement.executeUpdate();
    }
  }

  /** Deletes the lease-mode claims of {@code keys} held by {@code token}; returns how many. */
  final int deleteLeases(Connection connection, String handlerName, String[] keys, String token)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(deleteLeases)) {
      int next = this.keys.bind(statement, 1, connection, handlerName, keys);
      statement.setString(next, token);
      return statement.executeUpdate();
    }
  }

  /**
   * Writes the rows of {@code keys} held by {@code token} again, unchanged, and returns how many:
   * a statement that fails if a swallowed error aborted the transaction, for where the driver's
   * transaction state cannot be read (see {@link Dialect#transactionHealth}).
   */
  final int check(Connection connection, String handlerName, String[] keys, String token)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(check)) {
      int next = this.keys.bind(statement, 1, connection, handlerName, keys);
      statement.setString(next, token);
      return statement.executeUpdate();
    }
  }

  static Array keys(Connection connection, String[] keys) throws SQLException {
    return connection.createArrayOf("varchar", keys);
  }

  static String columns() {
    return COLUMNS;
  }

  /** PostgreSQL 12 or newer. */
  private static final class Postgres extends BatchClaimStatements {
    /** As in single claims ({@link LockWaits.StatementLockWaits}): the lock-wait bound first. */
    private static final String BOUND_LOCK_WAITS =
        LockWaits.StatementLockWaits.BOUND_LOCK_WAITS.strip() + ", ";

    /**
     * Aggregates the keys the data-changing CTE {@code changed} returned, which makes every row
     * change happen before the one result row, and then puts {@code lock_timeout} back: whether or
     * not a row was written, the handler's statements wait as the connection was set up to.
     */
    private static final String RESTORE_LOCK_TIMEOUT =
        " SELECT done.keys, set_config('lock_timeout', (SELECT outer_timeout FROM lock_bound),"
            + " true) FROM (SELECT array_agg(idempotency_key) AS keys FROM changed OFFSET 0) AS"
            + " done";

    private final String insert;
    private final String takeOver;

    /**
     * {@code FROM} items that look each key of the array {@code keys} up in {@code table}, naming
     * the row {@code alias} with {@code columns}; binds the handler name. Ordered by the primary
     * key and limited to one row, each lookup is an index scan on both key columns whatever the
     * planner knows of the table. Written as {@code handler_name = ? AND idempotency_key =
     * ANY(keys)}, a table without statistics yet (new, or truncated) was read as all of the
     * handler's rows, once per statement: a cost that grew with the table until its first ANALYZE.
     */
    private static String lookupByKey(String table, String keys, String columns, String alias) {
      return "unnest("
          + keys
          + ") AS r(k), LATERAL (SELECT "
          + columns
          + " FROM "
          + table
          + " c WHERE c.handler_name = ? AND c.idempotency_key = r.k"
          + " ORDER BY c.handler_name, c.idempotency_key LIMIT 1) AS "
          + alias;
    }

    /**
     * The batch's rows by their row ids, each found by {@link #lookupByKey}. A concurrent change of
     * a row (a take-over) gives it a new row id; the statements that change rows also test the
     * claim token, which such a change replaces, so the row is left alone either way.
     */
    private static KeyCondition rowsByKey(String table) {
      return new KeyCondition(
          "ctid = ANY(ARRAY(SELECT found.ctid FROM "
              + lookupByKey(table, "?::varchar[]", "c.ctid", "found")
              + "))",
          true);
    }

    Postgres(Dialect dialect, String table, int lockMillis) {
      super(dialect, table, "?::varchar[]", lockMillis, rowsByKey(table));
      // The keys are inserted in the array's order (the store sorts them), so two batches with
      // overlapping keys wait for each other's inserts in one direction only: no deadlock.
      this.insert =
          BOUND_LOCK_WAITS
              + "batch AS (SELECT k, n FROM unnest(?::varchar[]) WITH ORDINALITY AS keys(k, n)),"
              + " changed AS (INSERT INTO "
              + table
              + " ("
              + columns()
              + ") SELECT ?, batch.k, ?, NULL, ?, ?::timestamptz, ?::timestamptz FROM lock_bound,"
              + " batch ORDER BY batch.n"
              + " ON CONFLICT (handler_name, idempotency_key) DO NOTHING"
              + " RETURNING idempotency_key),"
              // The keys not inserted, once the insert is done (rest reads changed).
              + " rest AS (SELECT array_agg(batch.k) AS keys FROM batch WHERE NOT EXISTS"
              + " (SELECT 1 FROM changed WHERE changed.idempotency_key = batch.k))"
              // It returns those, usually far fewer than the keys inserted.
              + " SELECT done.keys, found.keys, found.statuses, found.tokens, found.expiries,"
              + " set_config('lock_timeout', (SELECT outer_timeout FROM lock_bound), true)"
              + " FROM (SELECT keys FROM rest OFFSET 0) AS done,"
              // The statement's snapshot, taken before the insert: the records of the keys not
              // inserted, unless a concurrent delivery committed them since; one lookup each.
              + " (SELECT array_agg(e.idempotency_key) AS keys, array_agg(e.status) AS statuses,"
              + " array_agg(e.claim_token) AS tokens,"
              + " array_agg((extract(epoch FROM e.expires_at) * 1000000)::bigint) AS expiries"
              + " FROM rest, "
              + lookupByKey(
                  table,
                  "rest.keys",
                  "c.idempotency_key, c.status, c.claim_token, c.expires_at",
                  "e")
              + " OFFSET 0) AS found";
      this.takeOver =
          BOUND_LOCK_WAITS
              + "changed AS (UPDATE "
              + table
              + " SET status = ?, result = NULL, claim_token = ?, expires_at = ?, created_at = ?"
              + " FROM lock_bound WHERE handler_name = ? AND idempotency_key = ANY(?::varchar[])"
              + " AND expires_at <= ? RETURNING idempotency_key)"
              + RESTORE_LOCK_TIMEOUT;
    }

    @Override
    Inserted insert(
        Connection connection,
        String handlerName,
        String[] keys,
        String status,
        String token,
        Instant expiresAt,
        Instant now)
        throws SQLException {
      try (PreparedStatement statement = connection.prepareStatement(insert)) {
        statement.setString(1, lockTimeoutMillis);
        statement.setArray(2, keys(connection, keys));
        statement.setString(3, handlerName);
        statement.setString(4, status);
        statement.setString(5, token);
        // As text: the driver's own timestamp binding builds a calendar per statement.
        statement.setString(6, dialect.timestamp(expiresAt).toString());
        statement.setString(7, dialect.timestamp(now).toString());
        statement.setString(8, handlerName);
        try (ResultSet row = statement.executeQuery()) {
          row.next();
          Set<String> inserted = new HashSet<>(Arrays.asList(keys));
          strings(row.getArray(1)).forEach(inserted::remove);
          Map<String, Row> others = new HashMap<>();
          List<String> found = strings(row.getArray(2));
          List<String> statuses = strings(row.getArray(3));
          List<String> tokens = strings(row.getArray(4));
          Array expiries = row.getArray(5);
          Long[] micros = expiries == null ? new Long[0] : (Long[]) expiries.getArray();
          for (int i = 0; i < found.size(); i++) {
            others.put(
                found.get(i),
                new Row(
                    statuses.get(i),
                    tokens.get(i),
                    Instant.EPOCH.plus(micros[i], java.time.temporal.ChronoUnit.MICROS)));
          }
          return new Inserted(inserted, others);
        }
      }
    }

    private static List<String> strings(Array array) throws SQLException {
      return array == null ? List.of() : List.of((String[]) array.getArray());
    }

    @Override
    String takeOverSql() {
      return takeOver;
    }

    @Override
    int bindLockWait(PreparedStatement statement) throws SQLException {
      statement.setString(1, lockTimeoutMillis);
      return 2;
    }

    @Override
    boolean insertRaisesDuplicateKey() {
      return false;
    }

    @Override
    Set<String> changedKeys(PreparedStatement statement) throws SQLException {
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        Array changed = row.getArray(1);
        if (changed == null) {
          return Set.of();
        }
        return new HashSet<>(List.of((String[]) changed.getArray()));
      }
    }
  }

  /** H2 2.x. */
  private static final class H2 extends BatchClaimStatements {
    private final String insert;
    private final String takeOver;

    H2(Dialect dialect, String table, int lockMillis) {
      super(
          dialect,
          table,
          "CAST(? AS VARCHAR(255) ARRAY)",
          lockMillis,
          KeyCondition.anyOf("CAST(? AS VARCHAR(255) ARRAY)"));
      // The keys are inserted in the array's order (the store sorts them): no deadlock. Rows that
      // a concurrent transaction inserted and has not committed are not seen by NOT EXISTS; the
      // insert waits for them and fails with 23505 if they commit.
      this.insert =
          "SELECT idempotency_key FROM FINAL TABLE (INSERT INTO "
              + table
              + " ("
              + columns()
              + ") SELECT ?, batch.k, ?, NULL, ?, ?, ? FROM UNNEST("
              + keyArray
              + ") WITH ORDINALITY AS batch(k, n) WHERE NOT EXISTS (SELECT 1 FROM "
              + table
              + " existing WHERE existing.handler_name = ? AND existing.idempotency_key = batch.k)"
              + " ORDER BY batch.n)";
      this.takeOver =
          "SELECT idempotency_key FROM FINAL TABLE (UPDATE "
              + table
              + " SET status = ?, result = NULL, claim_token = ?, expires_at = ?, created_at = ?"
              + " WHERE handler_name = ? AND idempotency_key = ANY("
              + keyArray
              + ") AND expires_at <= ?)";
    }

    @Override
    Inserted insert(
        Connection connection,
        String handlerName,
        String[] keys,
        String status,
        String token,
        Instant expiresAt,
        Instant now)
        throws SQLException {
      try (PreparedStatement statement = connection.prepareStatement(insert)) {
        statement.setString(1, handlerName);
        statement.setString(2, status);
        statement.setString(3, token);
        statement.setObject(4, dialect.timestamp(expiresAt));
        statement.setObject(5, dialect.timestamp(now));
        statement.setArray(6, keys(connection, keys));
        statement.setString(7, handlerName);
        return new Inserted(changedKeys(statement), null);
      }
    }

    @Override
    String takeOverSql() {
      return takeOver;
    }

    @Override
    int bindLockWait(PreparedStatement statement) {
      return 1; // the session's lock timeout bounds H2's waits
    }

    @Override
    boolean insertRaisesDuplicateKey() {
      return true;
    }

    @Override
    Set<String> changedKeys(PreparedStatement statement) throws SQLException {
      Set<String> changed = new HashSet<>();
      try (ResultSet row = statement.executeQuery()) {
        while (row.next()) {
          changed.add(row.getString(1));
        }
      }
      return changed;
    }
  }

  /** {@code keys} without those in {@code removed}, in their order. */
  static String[] without(String[] keys, Set<String> removed) {
    if (removed.isEmpty()) {
      return keys;
    }
    List<String> rest = new ArrayList<>(keys.length);
    for (String key : keys) {
      if (!removed.contains(key)) {
        rest.add(key);
      }
    }
    return rest.toArray(new String[0]);
  }
}
