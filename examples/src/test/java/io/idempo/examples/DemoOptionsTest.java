package io.idempo.examples;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.examples.DemoOptions.UsageException;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

  @Test
  void noArguments_areTheDefaults() throws Exception {
    DemoOptions options = DemoOptions.parse();

    assertThat(options).isEqualTo(DemoOptions.DEFAULTS);
    assertThat(options.events()).isEqualTo(100_000);
    assertThat(options.duplicateRate()).isEqualTo(0.2);
    assertThat(options.consumers()).isEqualTo(4);
    assertThat(options.embedded()).isTrue();
  }

  @Test
  void everyOption_inBothForms() throws Exception {
    DemoOptions options =
        DemoOptions.parse(
            "--events=20_000",
            "--duplicate-rate",
            "35%",
            "--crash-rate=0.1",
            "--consumers",
            "8",
            "--seed",
            "-17",
            "--jdbc-url",
            "jdbc:postgresql://db:5432/demo",
            "--user=demo",
            "--password",
            "s3cret");

    assertThat(options)
        .isEqualTo(
            new DemoOptions(
                20_000, 0.35, 0.1, 8, -17, "jdbc:postgresql://db:5432/demo", "demo", "s3cret"));
    assertThat(options.embedded()).isFalse();
    assertThat(options.toString()).doesNotContain("s3cret");
  }

  @Test
  void badOptions_sayWhatIsWrong() {
    assertUsageError("unknown option '--event'", "--event", "5");
    assertUsageError("unexpected argument 'fast'; options start with --", "fast");
    assertUsageError("--events needs a whole number, as in --events VALUE", "--events");
    assertUsageError("--events must be from 1 to 1,000,000, got 0", "--events", "0");
    assertUsageError("--events must be from 1 to 1,000,000, got 5000000", "--events=5000000");
    assertUsageError(
        "--duplicate-rate must be from 0 to 1.0 (or 0% to 100%), got 150%", "--duplicate-rate", "150%");
    assertUsageError(
        "--duplicate-rate needs a rate such as 0.2 or 20%, got 'some'", "--duplicate-rate=some");
    assertUsageError(
        "--crash-rate must be from 0 to 0.9 (or 0% to 90%), got 1", "--crash-rate", "1");
    assertUsageError("--consumers must be from 1 to 64, got 100", "--consumers", "100");
    assertUsageError("--seed needs a whole number, got '4.2'", "--seed", "4.2");
    assertUsageError(
        "--jdbc-url must be a PostgreSQL or H2 JDBC URL, such as"
            + " jdbc:postgresql://localhost:5432/demo; got 'postgres://localhost/demo'",
        "--jdbc-url",
        "postgres://localhost/demo");
    assertUsageError("--user and --password need --jdbc-url", "--user", "demo");
    assertUsageError("--events is given twice", "--events", "5", "--events=6");
  }

  private static void assertUsageError(String message, String... args) {
    UsageException e = assertThrows(UsageException.class, () -> DemoOptions.parse(args));
    assertThat(e).hasMessageThat().isEqualTo(message);
  }

  @Test
  void passwordsInTheUrl_areMaskedInTheOutput() {
    assertThat(DemoDatabase.redacted("jdbc:postgresql://db/demo?user=a&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://db/demo?user=a&password=***&ssl=true");
    assertThat(DemoDatabase.redacted("jdbc:h2:tcp://db/demo;PASSWORD=s3cret"))
        .isEqualTo("jdbc:h2:tcp://db/demo;PASSWORD=***");
  }

  @Test
  void helpIsRecognisedAnywhere() {
    assertThat(DemoOptions.wantsHelp("--events", "5", "-h")).isTrue();
    assertThat(DemoOptions.wantsHelp("--help")).isTrue();
    assertThat(DemoOptions.wantsHelp("--events", "5")).isFalse();
  }
}
