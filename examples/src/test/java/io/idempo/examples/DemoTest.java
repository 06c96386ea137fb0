package io.idempo.examples;

import static com.google.common.truth.Truth.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The demo program end to end: arguments in, output and exit status out. */
class DemoTest {

  private static final Pattern RESULT =
      Pattern.compile(
          "(?m)^RESULT deliveries=(\\d+) unique=(\\d+) applied=(\\d+) duplicates_applied=(\\d+)"
              + " lost=(\\d+)$");

  /** What one run of the demo printed and returned. */
  private record Outcome(int status, String out, String err) {}

  private static Outcome demo(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      status = Demo.run(args, o, e, false);
    }
    return new Outcome(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void embeddedH2_printsTheTableAndAnExactlyOnceResult() {
    Outcome outcome = demo("--events", "600", "--seed", "3");

    assertThat(outcome.status()).isEqualTo(0);
    assertThat(outcome.out()).contains("on embedded H2");
    assertThat(outcome.out())
        .contains(
            "deliveries  unique events  effects applied  duplicates applied  events lost");
    assertThat(outcome.out()).containsMatch("(?m)^NaivePaymentHandler +[\\d,]+ +600 ");
    assertThat(outcome.out()).containsMatch("(?m)^IdempotentPaymentHandler +[\\d,]+ +600 +600 +0 +0 ");
    assertExactlyOnceResult(outcome.out(), 600);
  }

  @Test
  void postgresByUrl_printsAnExactlyOnceResult() {
    Outcome outcome =
        demo("--events=600", "--consumers=3", "--jdbc-url", TestDatabases.postgresUrl(), "--user", "postgres");

    assertThat(outcome.status()).isEqualTo(0);
    assertThat(outcome.out()).contains("on jdbc:postgresql:");
    assertExactlyOnceResult(outcome.out(), 600);
  }

  private static void assertExactlyOnceResult(String out, int events) {
    Matcher result = RESULT.matcher(out);
    assertThat(result.find()).isTrue();
    long deliveries = Long.parseLong(result.group(1));
    assertThat(deliveries).isGreaterThan((long) events);
    assertThat(Integer.parseInt(result.group(2))).isEqualTo(events);
    assertThat(Integer.parseInt(result.group(3))).isEqualTo(events);
    assertThat(Integer.parseInt(result.group(4))).isEqualTo(0);
    assertThat(Integer.parseInt(result.group(5))).isEqualTo(0);
    // The line is the last of the output, for scripts that read the tail.
    assertThat(out.strip()).endsWith(result.group());
  }

  @Test
  void help_explainsEveryOption() {
    Outcome outcome = demo("--help");

    assertThat(outcome.status()).isEqualTo(0);
    for (String option :
        new String[] {
          "--events", "--duplicate-rate", "--crash-rate", "--consumers", "--seed", "--jdbc-url",
          "--user", "--password", "--help", "-Dexec.args"
        }) {
      assertThat(outcome.out()).contains(option);
    }
    assertThat(outcome.err()).isEmpty();
  }

  @Test
  void badOption_isOneLineAndTheUsage_exitTwo_noStackTrace() {
    Outcome outcome = demo("--events", "lots");

    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.out()).isEmpty();
    String[] lines = outcome.err().split("\n", -1);
    assertThat(lines[0]).isEqualTo("error: --events needs a whole number, got 'lots'");
    assertThat(lines[1]).isEmpty();
    assertThat(lines[2]).startsWith("Usage: Demo [options]");
    assertThat(outcome.err()).doesNotContain("Exception");
    assertThat(outcome.err()).doesNotContain("\tat ");
  }

  @Test
  void unreachableDatabase_isOneLineError_exitOne() {
    Outcome outcome =
        demo("--events", "10", "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/nowhere", "--user", "x");

    assertThat(outcome.status()).isEqualTo(1);
    assertThat(outcome.err())
        .startsWith("error: cannot connect to jdbc:postgresql://127.0.0.1:1/nowhere: ");
    assertThat(outcome.err().strip().lines().count()).isEqualTo(1);
    assertThat(outcome.err()).doesNotContain("\tat ");
  }
}
