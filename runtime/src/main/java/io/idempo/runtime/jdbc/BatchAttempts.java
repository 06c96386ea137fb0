package io.idempo.runtime.jdbc;

import io.idempo.runtime.HandlerDescriptor;
import io.idempo.runtime.IdempotencyStoreException;
import java.sql.Connection;
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
 * One attempt at claiming a batch's keys with {@link BatchClaimStatements}: the insert of every
 * key in the batch's fixed order, the records of the keys it did not insert, the take-over of the
 * expired ones, in rounds while records change under it; what it decided per key, or the key found
 * in flight. {@link JdbcBatchClaims} decides the transaction and what to do about a key in flight.
 */
final class BatchAttempts {

  static final String IN_PROGRESS = ClaimStatements.IN_PROGRESS;
  static final String COMPLETED = ClaimStatements.COMPLETED;

  /** How many rounds an attempt runs while records change under it, before it gives up. */
  private static final int MAX_ROUNDS = 20;

  private final ClaimContext context;
  private final BatchClaimStatements sql;

  BatchAttempts(ClaimContext context, BatchClaimStatements sql) {
    this.context = context;
    this.sql = sql;
  }


  /** Undoes the claims of an attempt that found a key in flight. */
  @FunctionalInterface
  interface Undo {
    void run(Decided decided, String token) throws SQLException;
  }

  /** What one attempt decided for the batch's keys (stored keys), and the token its rows carry. */
  static final class Attempt {
    final Decided decided;
    final String token;

    Attempt(Decided decided, String token) {
      this.decided = decided;
      this.token = token;
    }
  }

  /** The keys an attempt inserted, took over or found completed, or the one in flight. */
  static final class Decided {
    final Set<String> claimed = new HashSet<>();
    final Set<String> takenOver = new HashSet<>();
    final Set<String> duplicates = new HashSet<>();
    /** A key whose live lease row another delivery holds. */
    String inFlight;
    /** A claim statement gave up waiting for a lock: some key is in flight, which is unknown. */
    boolean inFlightSomewhere;

    boolean complete() {
      return inFlight == null && !inFlightSomewhere;
    }

    Set<String> acquired() {
      Set<String> acquired = new HashSet<>(claimed);
      acquired.addAll(takenOver);
      return acquired;
    }
  }

  /** One attempt at the whole batch; undone if it found a key in flight, or failed. */
  Attempt attempt(
      Connection connection,
      HandlerDescriptor handler,
      BatchKeys batch,
      String status,
      Duration life,
      BoundTransaction thread,
      Undo undo,
      boolean oneByOne)
      throws SQLException {
    Decided decided = new Decided();
    String token = JdbcIdempotencyStore.newClaimToken();
    Instant now = context.clock.instant();
    // Where the lock timeout is a session setting (H2), set for the claim's statements only.
    int previous = sql.lockWaits.bound(connection);
    try {
      String[] keys = batch.sorted();
      if (oneByOne) {
        for (String key : keys) {
          claimKeys(decided, connection, handler, new String[] {key}, status, token, life, now, thread);
          if (decided.inFlightSomewhere) {
            decided.inFlightSomewhere = false;
            decided.inFlight = key;
          }
          if (!decided.complete()) {
            break;
          }
        }
      } else {
        claimKeys(decided, connection, handler, keys, status, token, life, now, thread);
      }
    } catch (SQLException | RuntimeException e) {
      try {
        sql.lockWaits.restore(connection, previous);
        undo.run(decided, token);
      } catch (SQLException | RuntimeException undoFailure) {
        e.addSuppressed(undoFailure);
      }
      throw e;
    }
    sql.lockWaits.restore(connection, previous);
    if (!decided.complete()) {
      undo.run(decided, token);
    }
    return new Attempt(decided, token);
  }

  /**
   * Claims {@code keys} (sorted): inserts them, reads the records of those it did not insert, and
   * takes over the expired ones, in rounds while records change under it (purged, or taken over
   * by another delivery). Stops at the first key found in flight.
   */
  private void claimKeys(
      Decided decided,
      Connection connection,
      HandlerDescriptor handler,
      String[] keys,
      String status,
      String token,
      Duration life,
      Instant now,
      BoundTransaction thread)
      throws SQLException {
    String[] pending = keys;
    String name = handler.name();
    for (int round = 0; round < MAX_ROUNDS; round++) {
      BatchClaimStatements.Inserted inserted;
      try {
        inserted = insert(connection, name, pending, status, token, life, now);
      } catch (SQLException e) {
        if (gaveUpWaiting(e)) {
          decided.inFlightSomewhere = true;
          return;
        }
        throw e;
      }
      decided.claimed.addAll(inserted.keys());
      String[] rest = BatchClaimStatements.without(pending, inserted.keys());
      if (rest.length == 0) {
        return;
      }
      Map<String, BatchClaimStatements.Row> rows = records(connection, name, rest, inserted);
      List<String> expired = new ArrayList<>();
      List<String> again = new ArrayList<>();
      for (String key : rest) {
        BatchClaimStatements.Row row = rows.get(key);
        if (row == null) {
          again.add(key); // deleted since the insert: a purge, or a released lease
          continue;
        }
        if (row.token().equals(token)) {
          // Inserted by this attempt's insert, in a statement that then failed and ran again (H2
          // keeps the rows a failed data-change query inserted before it failed).
          decided.claimed.add(key);
          continue;
        }
        if (thread != null && thread.holds(row.token())) {
          throw ClaimFailures.reentrant(handler, key);
        }
        if (!row.expiresAt().isAfter(now)) {
          expired.add(key);
        } else if (COMPLETED.equals(row.status())) {
          decided.duplicates.add(key);
        } else if (IN_PROGRESS.equals(row.status())) {
          decided.inFlight = key;
          return;
        } else {
          throw context.failures.unknownStatus(handler, key, row.status());
        }
      }
      if (!expired.isEmpty()) {
        String[] expiredKeys = expired.toArray(new String[0]);
        Set<String> taken;
        try {
          taken =
              sql.takeOver(
                  connection, name, expiredKeys, status, token, ClaimStatements.plus(now, life), now);
        } catch (SQLException e) {
          if (gaveUpWaiting(e)) {
            decided.inFlightSomewhere = true;
            return;
          }
          throw e;
        }
        decided.takenOver.addAll(taken);
        for (String key : expiredKeys) {
          if (!taken.contains(key)) {
            again.add(key); // another delivery took it over first
          }
        }
      }
      if (again.isEmpty()) {
        return;
      }
      pending = again.toArray(new String[0]);
      Arrays.sort(pending);
    }
    throw new IdempotencyStoreException(
        "records of handler "
            + name
            + " in "
            + sql.table
            + " kept changing during "
            + MAX_ROUNDS
            + " rounds of a batch claim; deliver the batch again");
  }

  /**
   * The records of {@code rest}, the keys the insert did not insert: those it read itself, and a
   * read of the others (all on H2; on PostgreSQL those that committed after its snapshot).
   */
  private Map<String, BatchClaimStatements.Row> records(
      Connection connection,
      String handlerName,
      String[] rest,
      BatchClaimStatements.Inserted inserted)
      throws SQLException {
    if (inserted.others() == null) {
      return sql.select(connection, handlerName, rest);
    }
    Map<String, BatchClaimStatements.Row> rows = new HashMap<>(inserted.others());
    String[] unseen = BatchClaimStatements.without(rest, rows.keySet());
    if (unseen.length > 0) {
      rows.putAll(sql.select(connection, handlerName, unseen));
    }
    return rows;
  }

  /**
   * The insert; on H2, run again while a concurrent insert of one of the keys commits under it (the
   * statement then inserted nothing, and the committed row is no longer inserted next time).
   */
  private BatchClaimStatements.Inserted insert(
      Connection connection,
      String handlerName,
      String[] keys,
      String status,
      String token,
      Duration life,
      Instant now)
      throws SQLException {
    for (int i = 0; ; i++) {
      try {
        return sql.insert(
            connection, handlerName, keys, status, token, ClaimStatements.plus(now, life), now);
      } catch (SQLException e) {
        if (i + 1 < MAX_ROUNDS && sql.insertRaisesDuplicateKey() && sql.dialect.isDuplicateKey(e)) {
          continue;
        }
        throw e;
      }
    }
  }

  /**
   * True if a claim statement gave up waiting for a row lock (the lock timeout), or the database
   * broke a wait cycle with an unrelated transaction: either way, a key is in flight.
   */
  private boolean gaveUpWaiting(SQLException e) {
    String state = e.getSQLState();
    return sql.dialect.isLockTimeout(e)
        || "40P01".equals(state) // PostgreSQL deadlock_detected
        || "40001".equals(state); // H2 deadlock; PostgreSQL serialization failure
  }
}
