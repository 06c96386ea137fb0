package io.idempo.examples.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The demo: publishes {@code payments.demo.events} payment events at startup, some of them twice,
 * waits until every one is booked and audited, and prints what the tables hold. Sends nothing when
 * the property is 0.
 */
@Component
class DemoTraffic implements ApplicationRunner {

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private final PaymentsProperties properties;
  private final KafkaTemplate<String, String> kafka;
  private final JsonMapper json;
  private final JdbcTemplate jdbc;

  DemoTraffic(
      PaymentsProperties properties,
      KafkaTemplate<String, String> kafka,
      JsonMapper json,
      JdbcTemplate jdbc) {
    this.properties = properties;
    this.kafka = kafka;
    this.json = json;
    this.jdbc = jdbc;
  }

  @Override
  public void run(ApplicationArguments args) throws InterruptedException {
    PaymentsProperties.Demo demo = properties.demo();
    if (demo.events() <= 0) {
      return;
    }
    Random random = new Random(42);
    int duplicates = 0;
    List<CompletableFuture<?>> sends = new ArrayList<>();
    for (int i = 1; i <= demo.events(); i++) {
      PaymentEvent payment =
          new PaymentEvent(
              "pay-" + i, "acct-" + random.nextInt(10), 100L + random.nextInt(99_900));
      String value = json.writeValueAsString(payment);
      sends.add(kafka.send(properties.topic(), payment.accountId(), value));
      if (demo.duplicateEvery() > 0 && i % demo.duplicateEvery() == 0) {
        sends.add(kafka.send(properties.topic(), payment.accountId(), value));
        duplicates++;
      }
    }
    CompletableFuture.allOf(sends.toArray(CompletableFuture<?>[]::new)).join();
    System.out.printf(
        "Published %d payment events, %d of them twice.%n", demo.events(), duplicates);

    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (count("SELECT COUNT(*) FROM payment_audit") < demo.events()
        && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    System.out.printf(
        "ledger entries: %d for %d payments; PaymentCaptured audited: %d for %d payments;"
            + " outbox messages: %d, unsent: %d%n",
        count("SELECT COUNT(*) FROM payment_ledger"),
        count("SELECT COUNT(DISTINCT payment_id) FROM payment_ledger"),
        count("SELECT COUNT(*) FROM payment_audit"),
        count("SELECT COUNT(DISTINCT payment_id) FROM payment_audit"),
        count("SELECT COUNT(*) FROM idempo_outbox"),
        count("SELECT COUNT(*) FROM idempo_outbox WHERE sent_at IS NULL"));
  }

  private long count(String sql) {
    Long count = jdbc.queryForObject(sql, Long.class);
    return count == null ? 0 : count;
  }
}
