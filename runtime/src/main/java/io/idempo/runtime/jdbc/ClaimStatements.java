package io.idempo.runtime.jdbc;

import io.idempo.runtime.HandlerDescriptor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;

/**
 * The statements of a {@link JdbcIdempotencyStore}'s claims on one table: the {@link Dialect}'s
 * SQL with the table in it, how each is bound and run, and the claim attempt built from them
 * (insert, else read, else take over). The store decides which connection and transaction they
 * run in.
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
    IN_PROGRESS
  }

  /** One claim attempt's outcome, and the recorded result of a duplicate. */
  static final class Attempt {
    static final Attempt ACQUIRED = new Attempt(Outcome.ACQUIRED, null);
    static final Attempt TAKEN_OVER = new Attempt(Outcome.TAKEN_OVER, null);
    static final Attempt IN_PROGRESS = new Attempt(Outcome.IN_PROGRESS, null);

    final Outcome outcome;

    /** The recorded result of a duplicate; null otherwise. */
    final byte[] result;

    private Attempt(Outcome outcome, byte[] result) {
      this.outcome = outcome;
      this.result = result;
    }

    static Attempt duplicate(byte[] result) {
      return new Attempt(Outcome.DUPLICATE, result);
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
  private final String completeLease;
  private final String storeResult;
  private final String deleteClaim;
  private final String purgeBatch;

  ClaimStatements(Dialect dialect, TableName table, Duration lockTimeout, ClaimFailures failures) {
    this.dialect = dialect;
    this.failures = failures;
    // At least 1 ms: a lock timeout of 0 means "wait forever" to the databases.
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, lockTimeout.toMillis()));
    this.lockWaits = dialect.lockWaits(millis);
    String t = table.qualified();
    this.insertClaim = lockWaits.statement(dialect.insertClaim(t));
    this.selectRecord = lockWaits.statement(dialect.selectRecord(t));
    this.takeOver = lockWaits.statement(dialect.takeOver(t));
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
      BoundTransaction joined,
      ClaimUndo undo)
      throws SQLException {
    int previous = lockWaits.bound(connection);
    Attempt attempt;
    try {
      attempt =
          attemptBounded(
              connection, handler, storedKey, status, token, expiresAt, now, joined, undo);
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
      BoundTransaction joined,
      ClaimUndo undo)
      throws SQLException {
    boolean boundInForce = false;
    for (int i = 0; i < MAX_ATTEMPTS; i++) {
      try {
        if (boundInForce) {
          undo.run();
        }
        if (insert(connection, handler, storedKey, status, token, expiresAt, now)) {
          return Attempt.ACQUIRED;
        }
        boundInForce = lockWaits.outlivesStatementThatWroteNothing();
        Attempt existing = read(connection, handler, storedKey, now, joined);
        if (existing != null) {
          return existing;
        }
        if (boundInForce) {
          undo.run();
        }
        if (takeOver(connection, handler, storedKey, status, token, expiresAt, now)) {
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
      Instant now)
      throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(insertClaim)) {
      int first = lockWaits.bind(insert);
      insert.setString(first, handler.name());
      insert.setString(first + 1, storedKey);
      insert.setString(first + 2, status);
      insert.setString(first + 3, token);
      insert.setObject(first + 4, dialect.timestamp(expiresAt));
      insert.setObject(first + 5, dialect.timestamp(now));
      if (dialect.insertBindsKeyAgain()) {
        insert.setString(first + 6, handler.name());
        insert.setString(first + 7, storedKey);
      }
      return lockWaits.execute(insert) == 1;
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
      BoundTransaction joined)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(selectRecord)) {
      select.setString(1, handler.name());
      select.setString(2, storedKey);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? decide(row, handler, storedKey, now, joined) : null;
      }
    }
  }

  /**
   * What the record in {@code row} (status, result, claim_token, expires_at) decides: a duplicate
   * or a claim in progress if it is live, null if it has expired. A row that the thread's own
   * transaction holds is a re-entrant claim, refused. A live record with a status the store never
   * writes is refused here, in place of a CHECK constraint, which PostgreSQL would build again for
   * every insert; an expired one is taken over like any other.
   */
  private Attempt decide(
      ResultSet row,
      HandlerDescriptor handler,
      String storedKey,
      Instant now,
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
      Instant now)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(takeOver)) {
      int first = lockWaits.bind(update);
      update.setString(first, status);
      update.setString(first + 1, token);
      update.setObject(first + 2, dialect.timestamp(expiresAt));
      update.setObject(first + 3, dialect.timestamp(now));
      update.setString(first + 4, handler.name());
      update.setString(first + 5, storedKey);
      update.setObject(first + 6, dialect.timestamp(now));
      return lockWaits.execute(update) == 1;
    }
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
