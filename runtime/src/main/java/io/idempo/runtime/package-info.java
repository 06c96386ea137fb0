/**
 * What generated wrappers call: the {@link io.idempo.runtime.IdempotencyStore} SPI and its {@link
 * io.idempo.runtime.Claim} protocol, handler descriptors, result codecs and the runtime exceptions.
 *
 * <p>Stores: {@link io.idempo.runtime.InMemoryIdempotencyStore} for tests and single processes, and
 * {@link io.idempo.runtime.jdbc.JdbcIdempotencyStore} for a table in the application's own H2 or
 * PostgreSQL database. Both take an {@link io.idempo.runtime.InFlightPolicy} and an {@link
 * io.idempo.runtime.IdempotencyListener}, and store keys by the rule of {@link
 * io.idempo.runtime.StoredKeys}. See {@code docs/runtime.md}.
 */
package io.idempo.runtime;
