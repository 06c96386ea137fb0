package io.idempo.examples;

import static com.google.common.truth.Truth.assertThat;

import io.idempo.examples.broker.DeliveryStats;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressTest {

  private static DeliveryStats stats(long acknowledged, Duration elapsed) {
    return new DeliveryStats(1_000, 1_000, acknowledged, acknowledged, 0, 0, 0, elapsed, Map.of(), null, null);
  }

  private static String report(boolean terminal) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      Progress progress = new Progress(out, terminal);
      progress.start("NaivePaymentHandler");
      progress.update(stats(300, Duration.ofMillis(500)));
      for (int acknowledged = 0; acknowledged <= 1_000; acknowledged += 10) {
        progress.update(stats(acknowledged, Duration.ofMillis(1_000 + acknowledged)));
      }
      progress.finish();
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void notATerminal_plainLinesAtEachQuarter_nothingInTheFirstSecond() {
    String output = report(false);

    assertThat(output).doesNotContain("\r");
    assertThat(output.lines().toList())
        .containsExactly(
            "NaivePaymentHandler:  25%  250 deliveries, 200 msgs/s",
            "NaivePaymentHandler:  50%  500 deliveries, 333 msgs/s",
            "NaivePaymentHandler:  75%  750 deliveries, 429 msgs/s")
        .inOrder();
  }

  @Test
  void aTerminal_oneLineRedrawnInPlace_clearedAtTheEnd() {
    String output = report(true);

    assertThat(output).startsWith("\rNaivePaymentHandler:   0%  0 deliveries");
    assertThat(output).doesNotContain("\n");
    assertThat(output).endsWith("\r");
    assertThat(output.substring(0, output.length() - 1)).endsWith(" ");
  }
}
