/**
 * A Spring Boot payments service on Kafka: {@link io.idempo.examples.kafka.PaymentsConsumer} books
 * each payment event into a ledger once and emits {@code PaymentCaptured} through the
 * transactional outbox; {@link io.idempo.examples.kafka.CapturedPaymentsAudit} records each
 * captured payment once downstream. See {@code examples/README.md}.
 */
package io.idempo.examples.kafka;
