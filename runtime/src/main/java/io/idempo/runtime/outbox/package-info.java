/**
 * The transactional outbox: {@link io.idempo.runtime.outbox.Outbox} (in a table, {@link
 * io.idempo.runtime.outbox.JdbcOutbox}) stores the messages a handler emits in the handler's own
 * transaction, and {@link io.idempo.runtime.outbox.OutboxRelay} publishes them afterwards through a
 * {@link io.idempo.runtime.outbox.MessagePublisher}, at least once, each with a stable id that the
 * consumer's dedup uses as its idempotency key. The DDL ships as {@code
 * io/idempo/runtime/outbox/h2.sql} and {@code postgresql.sql}. See {@code docs/outbox.md}.
 */
package io.idempo.runtime.outbox;
