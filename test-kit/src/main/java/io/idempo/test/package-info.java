/**
 * Redelivery tests for message handlers: deliver a message once, then again, snapshot the state the
 * handler touches after each, and fail with a diff when the redelivery changed it.
 *
 * <pre>{@code
 * Redelivery.of(handler::capture)
 *     .observing(JdbcState.tables(dataSource, "payment_ledger", "payment_account"))
 *     .with(event)
 *     .assertSameEffectAsOnce();
 * }</pre>
 *
 * <p>{@link io.idempo.test.Redelivery} is the entry point; {@link io.idempo.test.RedeliveryExtension}
 * the JUnit 5 extension that configures it once per test class; {@link io.idempo.test.StateSource}
 * the one interface to implement for state the kit does not read out of the box. {@code
 * io.idempo.test.kafka} holds what needs Spring Kafka on the class path. See {@code
 * docs/test-kit.md}.
 */
package io.idempo.test;
