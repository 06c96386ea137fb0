package io.idempo.runtime.jdbc;

import io.idempo.runtime.Claim;
import io.idempo.runtime.HandlerDescriptor;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * An acquired lease-mode claim: its row is committed {@code IN_PROGRESS} with a lease; completing
 * marks it completed, releasing deletes it, each in a short transaction of its own and only while
 * the row still carries this claim's token.
 */
final class LeaseClaim extends Claim {
  private final ClaimContext context;
  private final HandlerDescriptor handler;
  private final String storedKey;
  private final String token;

  LeaseClaim(ClaimContext context, HandlerDescriptor handler, String storedKey, String token) {
    this.context = context;
    this.handler = handler;
    this.storedKey = storedKey;
    this.token = token;
  }

  @Override
  protected void recordCompletion(byte[] encodedResult) {
    int updated;
    try (Connection connection = context.dataSource.getConnection()) {
      connection.setAutoCommit(true);
      updated =
          context.statements.completeLease(
              connection,
              handler,
              storedKey,
              token,
              encodedResult,
              ClaimStatements.plus(context.clock.instant(), handler.ttl()));
    } catch (SQLException e) {
      throw context.failures.completionNotRecorded(
          handler,
          storedKey,
          e,
          ". The handler's effects happened but are not recorded; its lease expires after "
              + handler.lease()
              + " and the next delivery then runs it again");
    }
    if (updated != 1) {
      throw context.failures.leaseLost(handler, storedKey);
    }
    context.events.completed(handler, storedKey);
  }

  @Override
  protected void discard(Throwable failure) {
    try (Connection connection = context.dataSource.getConnection()) {
      connection.setAutoCommit(true);
      context.statements.deleteClaim(connection, handler, storedKey, token);
    } catch (SQLException e) {
      throw context.failures.leaseNotReleased(handler, storedKey, e);
    } finally {
      context.events.released(handler, storedKey, failure);
    }
  }
}
