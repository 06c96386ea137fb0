/**
 * The transactional outbox in Spring Boot: a {@code JdbcOutbox} that joins the application's
 * Spring transactions, an {@code OutboxRelay} that runs from the context's start to its stop, and a
 * Kafka {@code MessagePublisher} over the application's Kafka settings. See {@code docs/outbox.md}
 * and {@code docs/spring-boot-outbox.md}.
 */
package io.idempo.spring.outbox;
