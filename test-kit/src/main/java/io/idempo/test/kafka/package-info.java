/**
 * Test kit state sources for handlers that send with Spring Kafka: {@link
 * io.idempo.test.kafka.RecordingKafkaTemplate}. Needs {@code spring-kafka} on the test class path,
 * which the kit declares optional.
 */
package io.idempo.test.kafka;
