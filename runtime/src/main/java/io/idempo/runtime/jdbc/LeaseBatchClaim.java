package io.idempo.runtime.jdbc;

import io.idempo.runtime.BatchClaim;
import io.idempo.runtime.HandlerDescriptor;
import io.idempo.runtime.IdempotencyStoreException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A lease-mode batch claim: the batch's rows are committed {@code IN_PROGRESS} with one lease.
 * Completing it marks them completed with one statement, the ttl counted from completion;
 * releasing it deletes them with one statement. Rows whose lease another delivery took over after
 * it expired are not this claim's to complete or delete.
 */
final class LeaseBatchClaim extends BatchClaim {

  private final ClaimContext context;
  private final BatchClaimStatements sql;
  private final HandlerDescriptor handler;
  private final BatchKeys batch;
  private final String token;
  /** The acquired stored keys, in the batch's order. */
  private final String[] acquired;

  LeaseBatchClaim(
      ClaimContext context,
      BatchClaimStatements sql,
      HandlerDescriptor handler,
      BatchKeys batch,
      BatchAttempts.Attempt attempt) {
    super(batch.size(), batch.firstIndexes(attempt.decided.acquired()));
    this.context = context;
    this.sql = sql;
    this.handler = handler;
    this.batch = batch;
    this.token = attempt.token;
    this.acquired = batch.inBatchOrder(attempt.decided.acquired());
  }

  @Override
  protected void recordCompletion() {
    int updated;
    try (Connection connection = context.dataSource.getConnection()) {
      connection.setAutoCommit(true);
      updated =
          sql.completeLeases(
              connection,
              handler.name(),
              acquired,
              token,
              BatchAttempts.COMPLETED,
              ClaimStatements.plus(context.clock.instant(), handler.ttl()));
    } catch (SQLException e) {
      throw new IdempotencyStoreException(
          "cannot record the completion of a batch of "
              + batch.size()
              + " messages (keys "
              + batch.describe()
              + ") of handler "
              + handler.name()
              + " in "
              + sql.table
              + ": "
              + e.getMessage()
              + ". The handler's effects happened but are not recorded; the leases expire after "
              + handler.lease()
              + " and the next delivery then processes the messages again",
          e);
    }
    if (updated != acquired.length) {
      throw new IdempotencyStoreException(
          "leases of handler "
              + handler.name()
              + " on "
              + (acquired.length - updated)
              + " of the "
              + acquired.length
              + " keys this batch acquired (keys "
              + batch.describe()
              + ") in "
              + sql.table
              + " were lost: they expired after "
              + handler.lease()
              + " and other deliveries took them over, so their completion was not recorded and"
              + " their effects may have happened twice. Choose a lease longer than the handler's"
              + " slowest batch");
    }
    for (String key : acquired) {
      context.events.completed(handler, key);
    }
  }

  @Override
  protected void discard(Throwable failure) {
    try (Connection connection = context.dataSource.getConnection()) {
      connection.setAutoCommit(true);
      sql.deleteLeases(connection, handler.name(), acquired, token);
    } catch (SQLException e) {
      throw new IdempotencyStoreException(
          "cannot release the leases of a batch of handler "
              + handler.name()
              + " (keys "
              + batch.describe()
              + ") in "
              + sql.table
              + ": "
              + e.getMessage()
              + "; the next delivery processes the messages once the leases expire after "
              + handler.lease(),
          e);
    } finally {
      for (String key : acquired) {
        context.events.released(handler, key, failure);
      }
    }
  }
}
