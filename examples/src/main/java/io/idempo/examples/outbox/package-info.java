/**
 * The transactional outbox, end to end: {@link io.idempo.examples.outbox.CaptureHandler} books a
 * payment and emits {@link io.idempo.examples.outbox.PaymentCaptured} through the outbox in one
 * transaction; an {@code OutboxRelay} publishes it at least once; {@link
 * io.idempo.examples.outbox.LoyaltyHandler} consumes it once per outbox message id. See {@code
 * docs/outbox.md}.
 */
package io.idempo.examples.outbox;
