package io.idempo.benchmarks.jdbc;

import io.idempo.IdempotentHandler;
import io.idempo.benchmarks.Delivery;
import io.idempo.runtime.Claim;
import io.idempo.runtime.HandlerDescriptor;
import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Idempo's JDBC store, called exactly as a generated wrapper of a void handler calls it: claim,
 * return on a duplicate, run the handler, release on failure, complete with no result.
 */
final class IdempoDeliveries {

  static final String HANDLER_NAME = "io.idempo.benchmarks.Ledger#record";

  private IdempoDeliveries() {}

  /**
   * Transactional mode: the claim row joins the handler's transaction, and the handler does its
   * JDBC work through the store's transaction-aware {@link JdbcIdempotencyStore#dataSource()}.
   */
  static Delivery transactional(DataSource dataSource) {
    JdbcIdempotencyStore store = store(dataSource);
    DataSource handlerDataSource = store.dataSource();
    HandlerDescriptor handler =
        HandlerDescriptor.builder(HANDLER_NAME)
            .keyPath("event.id")
            .mode(IdempotentHandler.Mode.TRANSACTIONAL)
            .build();
    return key -> {
      Claim claim = store.claim(handler, key);
      if (claim.isDuplicate()) {
        return false;
      }
      try (Connection connection = handlerDataSource.getConnection()) {
        JdbcDeliveries.insertLedger(connection, key);
      } catch (SQLException | RuntimeException e) {
        claim.release(e);
        throw new IllegalStateException("ledger insert failed for key " + key, e);
      }
      claim.complete(null);
      return true;
    };
  }

  /**
   * Lease mode: the claim commits at once with a lease, the handler runs its own transaction, and
   * the completion commits the result.
   */
  static Delivery lease(DataSource dataSource) {
    JdbcIdempotencyStore store = store(dataSource);
    HandlerDescriptor handler =
        HandlerDescriptor.builder(HANDLER_NAME)
            .keyPath("event.id")
            .mode(IdempotentHandler.Mode.LEASE)
            .build();
    return key -> {
      Claim claim = store.claim(handler, key);
      if (claim.isDuplicate()) {
        return false;
      }
      try (Connection connection = dataSource.getConnection()) {
        JdbcDeliveries.inTransaction(
            connection,
            c -> {
              JdbcDeliveries.insertLedger(c, key);
              return true;
            });
      } catch (SQLException | RuntimeException e) {
        claim.release(e);
        throw new IllegalStateException("ledger insert failed for key " + key, e);
      }
      claim.complete(null);
      return true;
    };
  }

  private static JdbcIdempotencyStore store(DataSource dataSource) {
    JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(dataSource).build();
    store.createTableIfMissing();
    return store;
  }
}
