package io.idempo.examples;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The demo's command-line options.
 *
 * @param events payment events to publish
 * @param duplicateRate share of events the broker delivers twice, from 0 to 1
 * @param crashRate share of deliveries after which the consumer dies before the ack
 * @param consumers concurrent consumers
 * @param seed seed of every random choice
 * @param jdbcUrl the database, or null for embedded H2
 * @param user the database user, or null
 * @param password the database password, or null
 */
record DemoOptions(
    int events,
    double duplicateRate,
    double crashRate,
    int consumers,
    long seed,
    String jdbcUrl,
    String user,
    String password) {

  static final int DEFAULT_EVENTS = 100_000;
  static final int MAX_EVENTS = 1_000_000;
  static final double MAX_CRASH_RATE = 0.9;
  static final int MAX_CONSUMERS = 64;

  static final DemoOptions DEFAULTS =
      new DemoOptions(DEFAULT_EVENTS, 0.2, 0.05, 4, 42, null, null, null);

  static final String USAGE =
      """
      Usage: Demo [options]
        from the repository root:
        ./mvnw -B -q -pl examples -am package exec:java -DskipTests -Dexec.args="--events 20000"

      Publishes payment events on a simulated broker with at-least-once delivery, and runs the same
      stream through two payment handlers on the same database: NaivePaymentHandler, written the way
      teams first write it, and IdempotentPaymentHandler, the wrapper Idempo generates for
      PaymentHandler. Then it checks the ledger event by event and prints what each handler applied
      once, twice, or not at all.

      Options:
        --events N          payment events to publish (default 100000; 1 to 1000000)
        --duplicate-rate R  share of events the broker delivers a second time, out of order, as after
                            a producer retry or a lost ack: 0 to 1, or a percentage such as 20%
                            (default 0.2)
        --crash-rate R      share of deliveries after which the consumer dies between the database
                            commit and the ack, so that the broker delivers the event again: 0 to 0.9
                            (default 0.05)
        --consumers N       concurrent consumers sharing the subscription (default 4; 1 to 64)
        --seed N            seed of every random choice: the same seed gives the same events,
                            duplicates and crashes (default 42)
        --jdbc-url URL      run on this database instead of embedded H2, for example
                            jdbc:postgresql://localhost:5432/demo. The demo creates and empties the
                            tables payment_ledger, payment_account and idempo_demo_claims there: use
                            a scratch database
        --user NAME         database user for --jdbc-url
        --password SECRET   database password for --jdbc-url
        -h, --help          print this help

      An option takes its value as the next argument or after '=' (--events=20000).

      Output: one row per handler (deliveries, unique events, effects applied, duplicates applied,
      events lost, amount overcharged, messages per second), then one line for scripts, about the
      generated wrapper's run:
        RESULT deliveries=<n> unique=<u> applied=<a> duplicates_applied=<d> lost=<l>

      Exit status: 0 if the wrapper applied every event exactly once, 1 if it did not or the run
      failed, 2 for a bad option.""";

  /** A bad command line; the message is one line that says what is wrong. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** Whether {@code args} ask for the help. */
  static boolean wantsHelp(String... args) {
    for (String arg : args) {
      if (arg.equals("-h") || arg.equals("--help")) {
        return true;
      }
    }
    return false;
  }

  /** Parses {@code args}, starting from the defaults. */
  static DemoOptions parse(String... args) throws UsageException {
    int events = DEFAULTS.events;
    double duplicateRate = DEFAULTS.duplicateRate;
    double crashRate = DEFAULTS.crashRate;
    int consumers = DEFAULTS.consumers;
    long seed = DEFAULTS.seed;
    String jdbcUrl = null;
    String user = null;
    String password = null;
    Set<String> given = new HashSet<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new UsageException("unexpected argument '" + arg + "'; options start with --");
      }
      String name = arg;
      String value;
      int equals = arg.indexOf('=');
      if (equals >= 0) {
        name = arg.substring(0, equals);
        value = arg.substring(equals + 1);
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        value = args[++i];
      } else {
        value = null;
      }
      if (!given.add(name) && isKnown(name)) {
        throw new UsageException(name + " is given twice");
      }
      switch (name) {
        case "--events" -> events = (int) integer(name, value, 1, MAX_EVENTS);
        case "--duplicate-rate" -> duplicateRate = rate(name, value, 1.0);
        case "--crash-rate" -> crashRate = rate(name, value, MAX_CRASH_RATE);
        case "--consumers" -> consumers = (int) integer(name, value, 1, MAX_CONSUMERS);
        case "--seed" -> seed = integer(name, value, Long.MIN_VALUE, Long.MAX_VALUE);
        case "--jdbc-url" -> jdbcUrl = jdbcUrl(name, value);
        case "--user" -> user = require(name, value, "a user name");
        case "--password" -> password = require(name, value, "a password");
        default -> throw new UsageException("unknown option '" + name + "'");
      }
    }
    if (jdbcUrl == null && (user != null || password != null)) {
      throw new UsageException("--user and --password need --jdbc-url");
    }
    return new DemoOptions(events, duplicateRate, crashRate, consumers, seed, jdbcUrl, user, password);
  }

  /** Whether the demo runs on embedded H2 rather than a given database. */
  boolean embedded() {
    return jdbcUrl == null;
  }

  private static boolean isKnown(String name) {
    return switch (name) {
      case "--events", "--duplicate-rate", "--crash-rate", "--consumers", "--seed", "--jdbc-url",
          "--user", "--password" -> true;
      default -> false;
    };
  }

  private static String require(String name, String value, String what) throws UsageException {
    if (value == null || value.isEmpty()) {
      throw new UsageException(name + " needs " + what + ", as in " + name + " VALUE");
    }
    return value;
  }

  private static long integer(String name, String value, long min, long max) throws UsageException {
    String text = require(name, value, "a whole number").replace("_", "").replace(",", "");
    long parsed;
    try {
      parsed = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new UsageException(name + " needs a whole number, got '" + value + "'");
    }
    if (parsed < min || parsed > max) {
      throw new UsageException(
          String.format(Locale.ROOT, "%s must be from %,d to %,d, got %s", name, min, max, value));
    }
    return parsed;
  }

  private static double rate(String name, String value, double max) throws UsageException {
    String text = require(name, value, "a rate from 0 to " + max);
    double parsed;
    try {
      parsed =
          text.endsWith("%")
              ? Double.parseDouble(text.substring(0, text.length() - 1)) / 100
              : Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new UsageException(
          name + " needs a rate such as 0.2 or 20%, got '" + value + "'");
    }
    if (!(parsed >= 0 && parsed <= max)) {
      throw new UsageException(
          name + " must be from 0 to " + max + " (or 0% to " + Math.round(max * 100) + "%), got " + value);
    }
    return parsed;
  }

  private static String jdbcUrl(String name, String value) throws UsageException {
    String url = require(name, value, "a JDBC URL");
    if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:h2:")) {
      throw new UsageException(
          name
              + " must be a PostgreSQL or H2 JDBC URL, such as"
              + " jdbc:postgresql://localhost:5432/demo; got '"
              + url
              + "'");
    }
    return url;
  }

  @Override
  public String toString() {
    // Never print the password.
    return String.format(
        Locale.ROOT,
        "DemoOptions[events=%d, duplicateRate=%s, crashRate=%s, consumers=%d, seed=%d, jdbcUrl=%s,"
            + " user=%s]",
        events,
        duplicateRate,
        crashRate,
        consumers,
        seed,
        jdbcUrl,
        user);
  }
}
