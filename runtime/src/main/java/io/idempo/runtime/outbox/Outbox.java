package io.idempo.runtime.outbox;

import java.util.UUID;

/**
 * Where handler code writes the messages it emits, in its own transaction. A message sent here is
 * stored, not published: it commits or rolls back with the handler's work (and, in Idempo, with
 * its dedup record), and an {@link OutboxRelay} publishes it after the commit, at least once, always
 * with the id returned here.
 *
 * <pre>{@code
 * // in a transactional @IdempotentHandler, with outbox = new JdbcOutbox(store.dataSource())
 * UUID id = outbox.send(OutboxMessage.of("payments.captured", event.paymentId().toString(), bytes));
 * }</pre>
 *
 * <p>See {@code docs/outbox.md}.
 */
public interface Outbox {

  /**
   * Stores {@code message} in the current transaction.
   *
   * @return the message's id: the one requested with {@link OutboxMessage.Builder#id}, or a new
   *     random UUID. Consumers receive it with every publish of the message.
   * @throws OutboxException if the message cannot be stored; the handler should let it propagate,
   *     so that its transaction rolls back
   */
  UUID send(OutboxMessage message);
}
