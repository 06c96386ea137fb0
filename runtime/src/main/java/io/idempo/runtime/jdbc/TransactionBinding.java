package io.idempo.runtime.jdbc;

/**
 * Which transactional claim's transaction each thread holds, for one {@link JdbcIdempotencyStore}:
 * the store binds a transaction when its outermost claim is acquired and unbinds it when the claim
 * ends; {@link TransactionAwareDataSource} hands the bound transaction's connection to the
 * handler's own JDBC work.
 */
final class TransactionBinding {

  // One binding per store: two stores over different databases have independent transactions.
  @SuppressWarnings("ThreadLocalUsage")
  private final ThreadLocal<BoundTransaction> bound = new ThreadLocal<>();

  /** The transaction bound to the calling thread, or null; one that has ended counts as none. */
  BoundTransaction current() {
    BoundTransaction transaction = bound.get();
    if (transaction != null && transaction.finished) {
      bound.remove();
      return null;
    }
    return transaction;
  }

  /** Binds {@code transaction} to the calling thread. */
  void bind(BoundTransaction transaction) {
    bound.set(transaction);
  }

  /** Unbinds {@code transaction} from the calling thread, if it is the one bound. */
  void unbind(BoundTransaction transaction) {
    if (bound.get() == transaction) {
      bound.remove();
    }
  }
}
