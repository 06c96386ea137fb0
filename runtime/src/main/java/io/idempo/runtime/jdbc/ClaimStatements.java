package io.idempo.runtime.jdbc;

import io.idempo.runtime.HandlerDescriptor;
import io.idempo.runtime.PayloadFingerprint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;

/**
 * The statements of a {@link JdbcIdempotencyStore}'s claims on one table: the {@link Dialect}'s
 * SQL with the table in it, how each is bound and run, and the claim attempt built from them
 * (insert, else read, else take over). The store decides which connection and transaction they
 * run in.
 *
 * <p>A claim without a payload fingerprint runs statements that do not name the {@code
 * fingerprint} column, so that a table created before the column existed keeps working for it;
 * only its take-over of an expired record clears the column, where the table has it (see {@link
 * #attempt}). A claim with a fingerprint writes and reads the column, and fails in a table without
 * it ({@link Dialect#isMissingColumn}).
 */
final class ClaimStatements {

  /** The status of a lease-mode claim in progress. */
  static final String IN_PROGRESS = "IN_PROGRESS";

  /** The status of a completed record (and of a transactional claim's row, uncommitted). */
  static final String COMPLETED = "COMPLETED";

  /** How often a claim attempt reads a row that changed under it before it gives up. */
  private static final int MAX_ATTEMPTS = 20;

  /** What one claim attempt found. */
  enum Outcome {
    ACQUIRED,
    TAKEN_OVER,
    DUPLICATE,
    /** A completed record with another payload fingerprint than the claim's. */
    KEY_REUSED,
    IN_PROGRESS
  }

  /**
   * One claim attempt's outcome, the recorded result of a duplicate, and the recorded fingerprint
   * of a key reused.
   */
  static final class Attempt {
    static final Attempt ACQUIRED = new Attempt(Outcome.ACQUIRED, null, null);
    static final Attempt TAKEN_OVER = new Attempt(Outcome.TAKEN_OVER, null, null);
    static final Attempt IN_PROGRESS = new Attempt(Outcome.IN_PROGRESS, null, null);

    final Outcome outcome;

    /** The recorded result of a duplicate; null otherwise. */
    final byte[] result;

    /** The record's fingerprint when the key was reused; null otherwise. */
    final PayloadFingerprint recorded;

    private Attempt(Outcome outcome, byte[] result, PayloadFingerprint recorded) {
      this.outcome = outcome;
      this.result = result;
      this.recorded = recorded;
    }

    static Attempt duplicate(byte[] result) {
      return new Attempt(Outcome.DUPLICATE, result, null);
    }

    static Attempt keyReused(PayloadFingerprint recorded) {
      return new Attempt(Outcome.KEY_REUSED, null, recorded);
    }
  }

  /**
   * Undoes what a claim's statements did in its transaction: there, only the lock-wait bound that
   * a claim statement which wrote nothing leaves in force (see {@link
   * LockWaits#outlivesStatementThatWroteNothing}).
   */
  @FunctionalInterface
  interface ClaimUndo {
    void run() throws SQLException;
  }

  private final Dialect dialect;
  private final ClaimFailures failures;

  /** How the claim statements bound their lock waits to the store's lock timeout. */
  private final LockWaits lockWaits;

  private final String insertClaim;
  private final String selectRecord;
  private final String takeOver;
  private final String insertClaimWithFingerprint;
  private final String selectRecordWithFingerprint;
  private final String takeOverWithFingerprint;
  private final String selectNoRow;
  private final String completeLease;
  private final String storeResult;
  private final String deleteClaim;
  private final String purgeBatch;

  /**
   * True once the table is known to have the fingerprint column: a statement that names it
   * succeeded, or the table's columns were read. Never false again (a column is not dropped under
   * a running store).
   */
  private volatile boolean fingerprintColumn;

  ClaimStatements(Dialect dialect, TableName table, Duration lockTimeout, ClaimFailures failures) {
    this.dialect = dialect;
    this.failures = failures;
    // At least 1 ms: a lock timeout of 0 means "wait forever" to the databases.
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, lockTimeout.toMillis()));
    this.lockWaits = dialect.lockWaits(millis);
    String t = table.qualified();
    this.insertClaim = lockWaits.statement(dialect.insertClaim(t, false));
    this.selectRecord = lockWaits.statement(dialect.selectRecord(t, false));
    this.takeOver = lockWaits.statement(dialect.takeOver(t, false));
    this.insertClaimWithFingerprint = lockWaits.statement(dialect.insertClaim(t, true));
    this.selectRecordWithFingerprint = lockWaits.statement(dialect.selectRecord(t, true));
    this.takeOverWithFingerprint = lockWaits.statement(dialect.takeOver(t, true));
    this.selectNoRow = Dialect.selectNoRow(t);
    this.completeLease = dialect.completeLease(t);
    this.storeResult = dialect.storeResult(t);
    this.deleteClaim = dialect.deleteClaim(t);
    this.purgeBatch = dialect.purgeBatch(t);
  }

  /** The database. */
  Dialect dialect() {
    return dialect;
  }

  /**
   * Inserts the claim row, or reads the existing one and takes it over if it expired, with the
   * statements' lock waits bounded to the lock timeout (and the connection's own bound put back
   * after them, see {@link LockWaits}).
   *
   * <p>With a {@code fingerprint}, the row keeps it, and a live completed row with another one is
   * {@link Outcome#KEY_REUSED}. Without one, the statements leave the fingerprint column out, so a
   * table without it works, and a live completed row is a duplicate whatever its fingerprint; a
   * take-over sets the column to null if the table has it (known from an earlier statement, or
   * read from the table's columns before the take-over, until they include it), so the new record
   * carries no earlier delivery's fingerprint.
   *
   * @param fingerprint the claim's payload fingerprint, or null
   * @param joined the thread's transaction the claim joins (a row it holds is a re-entrant claim,
   *     refused), or null
   * @param undo undoes a bound that a statement which wrote nothing left in force (see {@link
   *     LockWaits#outlivesStatementThatWroteNothing})
   */
  Attempt attempt(
      Connection connection,
      HandlerDescriptor handler,
      String storedKey,
      String status,
      String token,
      Instant expiresAt,
      Instant now,
      PayloadFingerprint fingerprint,
      BoundTransaction joined,
      ClaimUndo undo)
      throws SQLException {
    int previous = lockWaits.bound(connection);
    Attempt attempt;
    try {
      attempt =
          attemptBounded(
              connection,
              handler,
              storedKey,
              status,
              token,
              expiresAt,
              now,
              fingerprint,
              joined,
              undo);
    } catch (SQLException | RuntimeException e) {
      try {
        lockWaits.restore(connection, previous);
      } catch (SQLException | RuntimeException restoreFailure) {
        e.addSuppressed(restoreFailure);
      }
      throw e;
    }
    lockWaits.restore(connection, previous);
    return attempt;
  }

  /**
   * {@link #attempt}, bounded. Loops when the row changes under it (purged, or taken over by
   * another delivery), and when the database ended the claim's own transaction to break a deadlock
   * (see {@link Dialect#isDeadlock}). Where claim statements bound their own lock waits, one that wrote nothing
   * leaves its bound in force, and {@code undo} runs before the next one (rare: a take-over, or a
   * row that changed), which would otherwise put the bound back in place of the connection's own
   * value.
   */
  private Attempt attemptBounded(
      Connection connection,
      HandlerDescriptor handler,
      String storedKey,
      String status,
      String token,
      Instant expiresAt,
      Instant now,
      PayloadFingerprint fingerprint,
      BoundTransaction joined,
      ClaimUndo undo)
      throws SQLException {
    boolean boundInForce = false;
    for (int i = 0; i < MAX_ATTEMPTS; i++) {
      try {
        if (boundInForce) {
          undo.run();
        }
        if (insert(connection, handler, storedKey, status, token, expiresAt, now, fingerprint)) {
          return Attempt.ACQUIRED;
        }
        boundInForce = lockWaits.outlivesStatementThatWroteNothing();
        Attempt existing = read(connection, handler, storedKey, now, fingerprint, joined);
        if (existing != null) {
          return existing;
        }
        if (boundInForce) {
          undo.run();
        }
        if (takeOver(
            connection, handler, storedKey, status, token, expiresAt, now, fingerprint)) {
          return Attempt.TAKEN_OVER;
        }
      } catch (SQLException e) {
        if (dialect.isLockTimeout(e)) {
          return Attempt.IN_PROGRESS;
        }
        if (joined == null && dialect.isDeadlock(e)) {
          // MySQL: two claims of one key held a shared lock on it and both wanted to write it, and
          // InnoDB rolled this transaction back whole. It held nothing but this claim's
          // statements, so the claim starts again, as a delivery waiting for the key would.
          boundInForce = false;
          continue;
        }
        throw e;
      }
    }
    throw failures.keptChanging(handler, storedKey, MAX_ATTEMPTS);
  }

  private boolean insert(
      Connection connection,
      HandlerDescriptor handler,
      String storedKey,
      String status,
      String token,
      Instant expiresAt,
      Instant now,
      PayloadFingerprint fingerprint)
      throws SQLException {
    String sql = fingerprint == null ? insertClaim : insertClaimWithFingerprint;
    try (PreparedStatement insert = connection.prepareStatement(sql)) {
      int first = lockWaits.bind(insert);
      insert.setString(first, handler.name());
      insert.setString(first + 1, storedKey);
      insert.setString(first + 2, status);
      insert.setString(first + 3, token);
      insert.setObject(first + 4, dialect.timestamp(expiresAt));
      insert.setObject(first + 5, dialect.timestamp(now));
      int next = first + 6;
      if (fingerprint != null) {
        insert.setBytes(next++, fingerprint.digest());
      }
      if (dialect.insertBindsKeyAgain()) {
        insert.setString(next, handler.name());
        insert.setString(next + 1, storedKey);
      }
      boolean inserted = lockWaits.execute(insert) == 1;
      if (fingerprint != null) {
        knowFingerprintColumn();
      }
      return inserted;
    } catch (SQLException e) {
      if (dialect.insertRaisesDuplicateKey() && dialect.isDuplicateKey(e)) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Reads the record: a live one decides the claim (null when the row is gone or expired). A row
   * that the thread's own transaction holds is a re-entrant claim, refused.
   */
  private Attempt read(
      Connection connection,
      HandlerDescriptor handler,
      String storedKey,
      Instant now,
      PayloadFingerprint fingerprint,
      BoundTransaction joined)
      throws SQLException {
    String sql = fingerprint == null ? selectRecord : selectRecordWithFingerprint;
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, handler.name());
      select.setString(2, storedKey);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? decide(row, handler, storedKey, now, fingerprint, joined) : null;
      }
    }
  }

  /**
   * What the record in {@code row} (status, result, claim_token, expires_at, and the fingerprint
   * if the claim has one) decides: a duplicate, a key reused or a claim in progress if it is live,
   * null if it has expired. A row that the thread's own
   * transaction holds is a re-entrant claim, refused. A live record with a status the store never
   * writes is refused here, in place of a CHECK constraint, which PostgreSQL would build again for
   * every insert; an expired one is taken over like any other.
   */
  private Attempt decide(
      ResultSet row,
      HandlerDescriptor handler,
      String storedKey,
      Instant now,
      PayloadFingerprint fingerprint,
      BoundTransaction joined)
      throws SQLException {
    String status = row.getString(1);
    byte[] result = row.getBytes(2);
    String token = row.getString(3);
    Instant expiresAt = dialect.instant(row, 4);
    if (joined != null && joined.holds(token)) {
      throw ClaimFailures.reentrant(handler, storedKey);
    }
    if (!expiresAt.isAfter(now)) {
      return null;
    }
    if (COMPLETED.equals(status)) {
      if (fingerprint != null) {
        byte[] digest = row.getBytes(5);
        if (digest != null) {
          PayloadFingerprint recorded = recordedFingerprint(handler, storedKey, digest);
          if (!recorded.equals(fingerprint)) {
            return Attempt.keyReused(recorded);
          }
        }
      }
      return Attempt.duplicate(result);
    }
    if (IN_PROGRESS.equals(status)) {
      return Attempt.IN_PROGRESS;
    }
    throw failures.unknownStatus(handler, storedKey, status);
  }

  private boolean takeOver(
      Connection connection,
      HandlerDescriptor handler,
      String storedKey,
      String status,
      String token,
      Instant expiresAt,
      Instant now,
      PayloadFingerprint fingerprint)
      throws SQLException {
    boolean withColumn = fingerprint != null || hasFingerprintColumn(connection);
    try (PreparedStatement update =
        connection.prepareStatement(withColumn ? takeOverWithFingerprint : takeOver)) {
      int first = lockWaits.bind(update);
      update.setString(first, status);
      update.setString(first + 1, token);
      update.setObject(first + 2, dialect.timestamp(expiresAt));
      update.setObject(first + 3, dialect.timestamp(now));
      int next = first + 4;
      if (withColumn) {
        if (fingerprint == null) {
          update.setNull(next++, Types.VARBINARY);
        } else {
          update.setBytes(next++, fingerprint.digest());
        }
      }
      update.setString(next, handler.name());
      update.setString(next + 1, storedKey);
      update.setObject(next + 2, dialect.timestamp(now));
      boolean takenOver = lockWaits.execute(update) == 1;
      if (fingerprint != null) {
        knowFingerprintColumn();
      }
      return takenOver;
    }
  }

  /**
   * True if the table has the fingerprint column: known from an earlier statement, or else read
   * from its columns with a query that reads no row (and asked again next time while it has none,
   * since a migration may add it under a running store).
   */
  boolean hasFingerprintColumn(Connection connection) throws SQLException {
    if (fingerprintColumn) {
      return true;
    }
    try (Statement select = connection.createStatement();
        ResultSet none = select.executeQuery(selectNoRow)) {
      ResultSetMetaData columns = none.getMetaData();
      for (int i = 1; i <= columns.getColumnCount(); i++) {
        if (Dialect.FINGERPRINT_COLUMN.equalsIgnoreCase(columns.getColumnName(i))) {
          fingerprintColumn = true;
          return true;
        }
      }
    }
    return false;
  }

  /** Records that the table has the fingerprint column: a statement naming it succeeded. */
  void knowFingerprintColumn() {
    if (!fingerprintColumn) {
      fingerprintColumn = true;
    }
  }

  private PayloadFingerprint recordedFingerprint(
      HandlerDescriptor handler, String storedKey, byte[] digest) {
    if (digest.length != PayloadFingerprint.LENGTH) {
      throw failures.badFingerprint(handler, storedKey, digest.length);
    }
    return PayloadFingerprint.ofDigest(digest);
  }

  /**
   * Stores a transactional claim's result in its row, in its transaction, and returns the number of
   * rows updated (1 unless the row vanished).
   */
  int storeResult(
      Connection connection,
      HandlerDescriptor handler,
      String storedKey,
      String token,
      byte[] encodedResult)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(storeResult)) {
      update.setBytes(1, encodedResult);
      update.setString(2, handler.name());
      update.setString(3, storedKey);
      update.setString(4, token);
      return update.executeUpdate();
    }
  }

  /**
   * Marks a lease-mode claim's row completed with its result and expiry, if the claim still owns
   * it, and returns the number of rows updated (0: the lease was lost).
   */
  int completeLease(
      Connection connection,
      HandlerDescriptor handler,
      String storedKey,
      String token,
      byte[] encodedResult,
      Instant expiresAt)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(completeLease)) {
      update.setString(1, COMPLETED);
      update.setBytes(2, encodedResult);
      update.setObject(3, dialect.timestamp(expiresAt));
      update.setString(4, handler.name());
      update.setString(5, storedKey);
      update.setString(6, token);
      return update.executeUpdate();
    }
  }

  /** Deletes a lease-mode claim's row, if the claim still owns it. */
  void deleteClaim(Connection connection, HandlerDescriptor handler, String storedKey, String token)
      throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement(deleteClaim)) {
      delete.setString(1, handler.name());
      delete.setString(2, storedKey);
      delete.setString(3, token);
      delete.executeUpdate();
    }
  }

  /** Prepares the statement that deletes one batch of expired records, for {@link #purgeBatch}. */
  PreparedStatement preparePurge(Connection connection) throws SQLException {
    return connection.prepareStatement(purgeBatch);
  }

  /** Deletes at most {@code batchSize} records expired at {@code now}; returns how many. */
  int purgeBatch(PreparedStatement purge, Instant now, int batchSize) throws SQLException {
    purge.setString(1, COMPLETED);
    purge.setObject(2, dialect.timestamp(now));
    purge.setInt(3, batchSize);
    return purge.executeUpdate();
  }

  /** {@code instant + duration}, or the latest storable instant if that is later or overflows. */
  static Instant plus(Instant instant, Duration duration) {
    try {
      Instant sum = instant.plus(duration);
      return sum.isAfter(Dialect.latest()) ? Dialect.latest() : sum;
    } catch (DateTimeException | ArithmeticException e) {
      return Dialect.latest();
    }
  }
}
