package io.idempo.examples;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;

class DemoTest {

  @Test
  void naiveLedgerOvercountsRedeliveries() {
    Demo.Outcome outcome = Demo.run(1_000, 0.2, 7);
    assertThat(outcome.deliveries()).isGreaterThan(outcome.uniqueEvents());
    assertThat(outcome.actualCents()).isGreaterThan(outcome.expectedCents());
  }

  @Test
  void withoutDuplicatesTheLedgerIsExact() {
    Demo.Outcome outcome = Demo.run(1_000, 0.0, 7);
    assertThat(outcome.deliveries()).isEqualTo(outcome.uniqueEvents());
    assertThat(outcome.actualCents()).isEqualTo(outcome.expectedCents());
  }
}
