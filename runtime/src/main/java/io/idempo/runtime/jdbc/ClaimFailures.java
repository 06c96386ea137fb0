package io.idempo.runtime.jdbc;

import io.idempo.runtime.HandlerDescriptor;
import io.idempo.runtime.IdempotencyStoreException;
import io.idempo.runtime.PayloadFingerprint;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The messages of a {@link JdbcIdempotencyStore}'s failures: each names the handler, the key and
 * the table, says what happened to the message, and what to do.
 */
final class ClaimFailures {

  private final TableName table;
  private final Dialect dialect;

  ClaimFailures(TableName table, Dialect dialect) {
    this.table = table;
    this.dialect = dialect;
  }

  /** A claim ({@code what}) failed in the database: nothing was recorded. */
  IdempotencyStoreException failure(
      String what, HandlerDescriptor handler, String key, SQLException e) {
    String hint =
        dialect.isMissingTable(e)
            ? " The table does not exist: call JdbcIdempotencyStore.createTableIfMissing() or run "
                + dialect.ddlResource()
                + " in a migration."
            : dialect.isMissingColumn(e)
                ? " The table lacks a column of this version's schema: a table created before"
                    + " the store kept payload fingerprints needs \""
                    + dialect.addFingerprintColumn(table)
                    + "\" (docs/runtime.md, \"Payload fingerprints\"), or a call of"
                    + " JdbcIdempotencyStore.createTableIfMissing(), which adds it."
                : "";
    return new IdempotencyStoreException(
        what
            + " of key '"
            + abbreviate(key)
            + "' for handler "
            + handler.name()
            + " (key path "
            + handler.keyPath()
            + ") failed in "
            + table
            + ": "
            + e.getMessage()
            + "."
            + hint
            + " Nothing was recorded; deliver the message again.",
        e);
  }

  /** A completion could not be recorded; {@code consequence} says what follows. */
  IdempotencyStoreException completionNotRecorded(
      HandlerDescriptor handler, String storedKey, Exception e, String consequence) {
    return new IdempotencyStoreException(
        "cannot record completion of handler "
            + handler.name()
            + " (key '"
            + abbreviate(storedKey)
            + "') in "
            + table
            + ": "
            + e.getMessage()
            + consequence,
        e);
  }

  /** The commit of a transactional claim that began its own transaction failed. */
  IdempotencyStoreException commitFailed(HandlerDescriptor handler, String storedKey, Exception e) {
    return new IdempotencyStoreException(
        "cannot commit the transaction of handler "
            + handler.name()
            + " (key '"
            + abbreviate(storedKey)
            + "') with its record in "
            + table
            + ": "
            + e.getMessage()
            + ". The handler's work and the record commit together or not at all, so do not"
            + " acknowledge the message: its next delivery replays the result if the commit"
            + " went through, or runs the handler again if it did not",
        e);
  }

  /** The row of a transactional claim is gone from its own transaction. */
  SQLException rowVanished() {
    return new SQLException("the claim row vanished from " + table + " inside its own transaction");
  }

  /** Rolling back to a nested claim's savepoint failed. */
  IdempotencyStoreException nestedRollbackFailed(HandlerDescriptor handler, SQLException e) {
    return new IdempotencyStoreException(
        "cannot roll back the nested claim of handler "
            + handler.name()
            + " in "
            + table
            + "; the enclosing claim's transaction will roll back",
        e);
  }

  /** A lease-mode completion found its row owned by a later delivery. */
  IdempotencyStoreException leaseLost(HandlerDescriptor handler, String storedKey) {
    return new IdempotencyStoreException(
        "lease of handler "
            + handler.name()
            + " on key '"
            + abbreviate(storedKey)
            + "' in "
            + table
            + " was lost: it expired after "
            + handler.lease()
            + " and another delivery took the key over, so this completion was not recorded"
            + " and the handler's effects may have happened twice. Choose a lease longer than"
            + " the handler's slowest run");
  }

  /** A lease-mode release could not delete its row. */
  IdempotencyStoreException leaseNotReleased(
      HandlerDescriptor handler, String storedKey, SQLException e) {
    Duration lease = handler.lease();
    return new IdempotencyStoreException(
        "cannot release the lease of handler "
            + handler.name()
            + " (key '"
            + abbreviate(storedKey)
            + "') in "
            + table
            + ": "
            + e.getMessage()
            + "; the next delivery runs the handler once the lease expires after "
            + lease,
        e);
  }

  /** The key's row changed under every one of {@code attempts} claim attempts. */
  IdempotencyStoreException keptChanging(HandlerDescriptor handler, String storedKey, int attempts) {
    return new IdempotencyStoreException(
        "record of handler "
            + handler.name()
            + " for key '"
            + abbreviate(storedKey)
            + "' in "
            + table
            + " kept changing during "
            + attempts
            + " claim attempts; deliver the message again");
  }

  /** A live row has a status the store never writes. */
  IdempotencyStoreException unknownStatus(
      HandlerDescriptor handler, String storedKey, String status) {
    return new IdempotencyStoreException(
        "record of handler "
            + handler.name()
            + " (key path "
            + handler.keyPath()
            + ") for key '"
            + abbreviate(storedKey)
            + "' in "
            + table
            + " has status '"
            + status
            + "', which the store never writes (it writes "
            + ClaimStatements.IN_PROGRESS
            + " and "
            + ClaimStatements.COMPLETED
            + "). Correct or delete that row; until then the key's messages are not processed.");
  }

  /** A live completed row has a fingerprint that is not a SHA-256 digest. */
  IdempotencyStoreException badFingerprint(
      HandlerDescriptor handler, String storedKey, int length) {
    return new IdempotencyStoreException(
        "record of handler "
            + handler.name()
            + " for key '"
            + abbreviate(storedKey)
            + "' in "
            + table
            + " has a fingerprint of "
            + length
            + " bytes, but the store writes SHA-256 digests of "
            + PayloadFingerprint.LENGTH
            + " bytes. Correct or delete that row; until then the key's messages with a"
            + " fingerprint are not processed.");
  }

  /** A handler claimed the key that its own thread's transaction holds. */
  static IllegalStateException reentrant(HandlerDescriptor handler, String storedKey) {
    return new IllegalStateException(
        "handler "
            + handler.name()
            + " claimed key '"
            + abbreviate(storedKey)
            + "' again on a thread whose transaction already holds that claim; a handler"
            + " must not process the same message re-entrantly");
  }

  /** {@code key}, cut to 80 characters for a message. */
  static String abbreviate(String key) {
    if (key == null) {
      return "null";
    }
    return key.length() <= 80 ? key : key.substring(0, 77) + "...";
  }
}
