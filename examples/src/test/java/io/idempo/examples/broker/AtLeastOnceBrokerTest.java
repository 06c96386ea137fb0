package io.idempo.examples.broker;

import static com.google.common.truth.Truth.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AtLeastOnceBrokerTest {

  private static final List<Integer> MESSAGES = IntStream.range(0, 1_000).boxed().toList();

  private static DeliveryStats deliver(AtLeastOnceBroker<Integer> broker, MessageListener<Integer> listener)
      throws InterruptedException {
    try (AtLeastOnceBroker<Integer>.Run run = broker.start(listener)) {
      while (!run.await(Duration.ofMillis(50))) {
        assertThat(run.stats().progress()).isAtMost(1.0);
      }
      return run.stats();
    }
  }

  /** Counts the deliveries per message. */
  private static final class Counting implements MessageListener<Integer> {
    final Map<Integer, AtomicInteger> deliveries = new ConcurrentHashMap<>();

    // Counting every delivery, duplicates included, is this listener's purpose.
    @SuppressWarnings("NonIdempotentMutation")
    @Override
    public void onMessage(Integer message) {
      deliveries.computeIfAbsent(message, m -> new AtomicInteger()).incrementAndGet();
    }

    long deliveredTimes(int times) {
      return deliveries.values().stream().filter(c -> c.get() == times).count();
    }
  }

  @Test
  void everyMessageArrives_andTheDuplicateRateOfThemTwice() throws Exception {
    AtLeastOnceBroker<Integer> broker =
        AtLeastOnceBroker.<Integer>builder(MESSAGES).duplicateRate(0.5).crashRate(0).consumers(3).seed(1).build();
    Counting listener = new Counting();

    DeliveryStats stats = deliver(broker, listener);

    assertThat(listener.deliveries.keySet()).containsExactlyElementsIn(MESSAGES);
    assertThat(broker.duplicates()).isIn(com.google.common.collect.Range.closed(420, 580));
    assertThat(listener.deliveredTimes(2)).isEqualTo(broker.duplicates());
    assertThat(listener.deliveredTimes(1)).isEqualTo(1_000L - broker.duplicates());
    assertThat(stats.deliveries()).isEqualTo(1_000L + broker.duplicates());
    assertThat(stats.acknowledged()).isEqualTo(stats.deliveries());
    assertThat(stats.scheduled()).isEqualTo(1_000 + broker.duplicates());
    assertThat(stats.progress()).isEqualTo(1.0);
  }

  @Test
  void duplicatesArriveOutOfOrder() throws Exception {
    AtLeastOnceBroker<Integer> broker =
        AtLeastOnceBroker.<Integer>builder(MESSAGES).duplicateRate(0.3).crashRate(0).consumers(1).seed(2).build();
    List<Integer> order = Collections.synchronizedList(new ArrayList<>());

    deliver(broker, order::add);

    List<Integer> seen = new ArrayList<>();
    int overtaken = 0;
    int adjacent = 0;
    for (int i = 0; i < order.size(); i++) {
      int message = order.get(i);
      if (seen.contains(message)) {
        if (order.get(i - 1) == message) {
          adjacent++;
        } else if (seen.get(seen.size() - 1) > message) {
          overtaken++;
        }
      } else {
        seen.add(message);
      }
    }
    assertThat(overtaken).isGreaterThan(0);
    assertThat(adjacent).isGreaterThan(0);
  }

  @Test
  void aCrashBeforeTheAck_redeliversTheMessage() throws Exception {
    AtLeastOnceBroker<Integer> broker =
        AtLeastOnceBroker.<Integer>builder(MESSAGES).duplicateRate(0).crashRate(0.3).consumers(4).seed(3).build();
    Counting listener = new Counting();

    DeliveryStats stats = deliver(broker, listener);

    assertThat(stats.crashes()).isGreaterThan(200L);
    assertThat(stats.acknowledged()).isEqualTo(1_000L);
    assertThat(stats.deliveries()).isEqualTo(1_000L + stats.crashes());
    assertThat(listener.deliveries.values().stream().mapToInt(AtomicInteger::get).sum())
        .isEqualTo(1_000 + (int) stats.crashes());
    assertThat(listener.deliveredTimes(1)).isLessThan(1_000L);
  }

  @Test
  void sameSeed_sameStreamAndCrashes() throws Exception {
    DeliveryStats first = deliver(crashing(9), new Counting());
    DeliveryStats second = deliver(crashing(9), new Counting());
    DeliveryStats other = deliver(crashing(10), new Counting());

    assertThat(second.scheduled()).isEqualTo(first.scheduled());
    assertThat(second.crashes()).isEqualTo(first.crashes());
    assertThat(other.crashes() != first.crashes() || other.scheduled() != first.scheduled()).isTrue();
  }

  private static AtLeastOnceBroker<Integer> crashing(long seed) {
    return AtLeastOnceBroker.<Integer>builder(MESSAGES).duplicateRate(0.2).crashRate(0.2).consumers(2).seed(seed).build();
  }

  @Test
  void aFailingListener_getsTheMessageAgain() throws Exception {
    AtLeastOnceBroker<Integer> broker =
        AtLeastOnceBroker.<Integer>builder(MESSAGES).duplicateRate(0).crashRate(0).consumers(2).seed(4).build();
    Counting counting = new Counting();
    DeliveryStats stats =
        deliver(
            broker,
            message -> {
              counting.onMessage(message);
              if (message % 2 == 0 && counting.deliveries.get(message).get() == 1) {
                throw new IllegalStateException("database unavailable");
              }
            });

    assertThat(stats.failures()).isEqualTo(500L);
    assertThat(stats.failuresByType()).containsExactly("IllegalStateException", 500L);
    assertThat(stats.acknowledged()).isEqualTo(1_000L);
    assertThat(counting.deliveredTimes(2)).isEqualTo(500L);
  }

  @Test
  void aMessageThatAlwaysFails_goesToTheDeadLetterQueue() throws Exception {
    AtLeastOnceBroker<Integer> broker =
        AtLeastOnceBroker.<Integer>builder(MESSAGES.subList(0, 50))
            .duplicateRate(0)
            .crashRate(0)
            .maxAttempts(3)
            .redeliveryDelay(5)
            .seed(5)
            .build();
    DeliveryStats stats =
        deliver(
            broker,
            message -> {
              if (message == 7) {
                throw new IllegalArgumentException("poison message 7");
              }
            });

    assertThat(stats.failures()).isEqualTo(3L);
    assertThat(stats.deadLettered()).isEqualTo(1L);
    assertThat(stats.acknowledged()).isEqualTo(49L);
    assertThat(stats.firstFailure()).contains("poison message 7");
    assertThat(stats.progress()).isEqualTo(1.0);
  }

  @Test
  void anErrorInTheListener_stopsTheRun() throws Exception {
    AtLeastOnceBroker<Integer> broker =
        AtLeastOnceBroker.<Integer>builder(MESSAGES).consumers(3).seed(6).build();

    DeliveryStats stats =
        deliver(
            broker,
            message -> {
              if (message == 100) {
                throw new AssertionError("broken invariant");
              }
            });

    assertThat(stats.fatal()).contains("broken invariant");
    assertThat(stats.acknowledged()).isLessThan((long) stats.scheduled());
  }
}
