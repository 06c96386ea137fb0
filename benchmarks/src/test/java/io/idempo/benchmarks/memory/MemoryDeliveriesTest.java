package io.idempo.benchmarks.memory;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.benchmarks.Delivery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MemoryDeliveriesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        MemoryDeliveries.IDEMPO,
        MemoryDeliveries.CAMEL,
        MemoryDeliveries.SPRING,
        MemoryDeliveries.HANDWRITTEN,
        MemoryDeliveries.LIMIT
      })
  void everyImplementationRunsAKeyOnceAndRefusesItsDuplicates(String impl) {
    Delivery delivery = MemoryDeliveries.create(impl);
    assertThat(delivery.deliver("a")).isTrue();
    assertThat(delivery.deliver("b")).isTrue();
    assertThat(delivery.deliver("a")).isFalse();
    assertThat(delivery.deliver("b")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {MemoryDeliveries.IDEMPO, MemoryDeliveries.HANDWRITTEN})
  void boundedImplementationsForgetTheOldestKeysBeyondTheCapacity(String impl) {
    Delivery delivery = MemoryDeliveries.create(impl);
    int keys = MemoryDeliveries.CAPACITY + 64;
    for (int i = 0; i < keys; i++) {
      assertThat(delivery.deliver("k" + i)).isTrue();
    }
    assertThat(delivery.deliver("k0")).isTrue(); // evicted: the oldest
    assertThat(delivery.deliver("k" + (keys - 1))).isFalse(); // kept: the newest
  }

  @Test
  void theUnboundedLimitForgetsNothing() {
    Delivery delivery = MemoryDeliveries.create(MemoryDeliveries.LIMIT);
    for (int i = 0; i < MemoryDeliveries.CAPACITY + 64; i++) {
      delivery.deliver("k" + i);
    }
    assertThat(delivery.deliver("k0")).isFalse();
  }

  @Test
  void anUnknownImplementationIsRefusedWithTheKnownNames() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MemoryDeliveries.create("redis"));
    assertThat(e).hasMessageThat().contains("'redis'");
    assertThat(e).hasMessageThat().contains(MemoryDeliveries.HANDWRITTEN);
  }
}
