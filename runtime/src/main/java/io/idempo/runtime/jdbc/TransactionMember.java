package io.idempo.runtime.jdbc;

/**
 * A claim that holds a place on a thread's transaction ({@link JdbcIdempotencyStore.Transaction}):
 * a single transactional claim or a batch of them. Claims nested in it push themselves above it and
 * must end first.
 */
interface TransactionMember {

  /** The token written into every row this claim inserted or took over. */
  String claimToken();

  /** The stable name of the claim's handler. */
  String handlerName();
}
