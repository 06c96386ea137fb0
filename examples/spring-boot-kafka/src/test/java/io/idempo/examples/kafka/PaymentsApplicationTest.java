package io.idempo.examples.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.test.context.EmbeddedKafka;

/**
 * The service in its default setup (in-memory H2) on an in-process broker, with the demo traffic:
 * the handler beans are their wrappers, each {@code @KafkaListener} method has one container, and
 * every payment is booked and audited once.
 */
@SpringBootTest(
    properties = {
      "payments.demo.events=40",
      "payments.demo.duplicate-every=2",
      "payments.demo.exit-when-done=false"
    })
@EmbeddedKafka(
    partitions = 3,
    topics = {"payments", "payments.captured"},
    bootstrapServersProperty = "spring.kafka.bootstrap-servers")
class PaymentsApplicationTest {

  @Autowired PaymentsConsumer payments;
  @Autowired CapturedPaymentsAudit audit;
  @Autowired BatchPaymentsConsumer batches;
  @Autowired KafkaListenerEndpointRegistry registry;
  @Autowired JdbcTemplate db;

  @Test
  void handlerBeansAreTheirGeneratedWrappers() {
    assertThat(payments.getClass().getName()).contains("IdempotentPaymentsConsumer");
    assertThat(audit.getClass().getName()).contains("IdempotentCapturedPaymentsAudit");
    assertThat(batches.getClass().getName()).contains("IdempotentBatchPaymentsConsumer");
  }

  @Test
  void oneListenerContainerPerKafkaListenerMethod() {
    long listenerMethods =
        Stream.of(PaymentsConsumer.class, BatchPaymentsConsumer.class, CapturedPaymentsAudit.class)
            .flatMap(type -> Stream.of(type.getDeclaredMethods()))
            .filter(method -> method.isAnnotationPresent(KafkaListener.class))
            .count();
    assertThat(registry.getListenerContainers()).hasSize((int) listenerMethods);
    assertThat(registry.getListenerContainers().stream().map(MessageListenerContainer::getGroupId))
        .containsExactlyInAnyOrder("payments-ledger", "payments-ledger-batch", "payments-audit");
  }

  @Test
  void demoTrafficIsBookedAndAuditedOncePerPayment() {
    // DemoTraffic ran before the context was ready, and waited for the audit to catch up.
    assertThat(count("SELECT COUNT(*) FROM payment_ledger")).isEqualTo(40);
    assertThat(count("SELECT COUNT(DISTINCT payment_id) FROM payment_ledger")).isEqualTo(40);
    assertThat(count("SELECT COUNT(*) FROM payment_audit")).isEqualTo(40);
    assertThat(count("SELECT COUNT(DISTINCT payment_id) FROM payment_audit")).isEqualTo(40);
  }

  private long count(String sql) {
    Long count = db.queryForObject(sql, Long.class);
    return count == null ? 0 : count;
  }
}
