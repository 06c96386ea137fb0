package io.idempo.examples;

import io.idempo.examples.DemoOptions.UsageException;
import io.idempo.examples.PaymentsSimulation.RunReport;
import io.idempo.examples.broker.DeliveryStats;
import io.idempo.runtime.IdempotencyStoreException;
import java.io.PrintStream;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The quick-start demo: a payments consumer under at-least-once delivery, with a naive handler and
 * with the wrapper Idempo generates. Run it with {@code --help} for the options; {@code
 * examples/README.md} walks through its output.
 */
public final class Demo {

  /** Exit status: a bad command line. */
  static final int USAGE_ERROR = 2;

  /** Exit status: the wrapper did not apply every event exactly once, or the run failed. */
  static final int FAILED = 1;

  private Demo() {}

  public static void main(String[] args) {
    int status = run(args, System.out, System.err, Progress.isTerminal());
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Runs the demo as {@link #main} does, writing to {@code out} and {@code err}.
   *
   * @return the exit status: 0, {@link #FAILED} or {@link #USAGE_ERROR}
   */
  static int run(String[] args, PrintStream out, PrintStream err, boolean terminal) {
    if (DemoOptions.wantsHelp(args)) {
      out.println(DemoOptions.USAGE);
      return 0;
    }
    DemoOptions options;
    try {
      options = DemoOptions.parse(args);
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.println();
      err.println(DemoOptions.USAGE);
      return USAGE_ERROR;
    }
    try (DemoDatabase database = DemoDatabase.open(options, options.consumers() + 2)) {
      return run(options, database, out, new Progress(err, terminal));
    } catch (IllegalStateException | IdempotencyStoreException e) {
      err.println("error: " + e.getMessage());
      return FAILED;
    } catch (SQLException e) {
      err.println("error: database failure: " + e.getMessage());
      return FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("error: interrupted");
      return FAILED;
    }
  }

  private static int run(DemoOptions options, DemoDatabase database, PrintStream out, Progress progress)
      throws SQLException, InterruptedException {
    out.printf(
        Locale.ROOT,
        "Idempo demo: %,d payment events, delivered at least once, on %s%n",
        options.events(),
        database.description());
    out.printf(
        Locale.ROOT,
        "broker: %s of events delivered twice (out of order), %s of deliveries crash between the"
            + " commit and the ack, %d consumers, seed %d%n%n",
        percent(options.duplicateRate()),
        percent(options.crashRate()),
        options.consumers(),
        options.seed());
    out.flush();

    PaymentsSimulation simulation = new PaymentsSimulation(database.dataSource(), options);
    simulation.createTables();
    progress.start("NaivePaymentHandler");
    RunReport naive = simulation.runNaive(progress::update);
    progress.finish();
    progress.start("IdempotentPaymentHandler");
    RunReport idempotent = simulation.runIdempotent(progress::update);
    progress.finish();

    ResultTable.format(List.of(naive, idempotent)).forEach(out::println);
    out.println();
    for (RunReport run : List.of(naive, idempotent)) {
      out.println(verdict(run));
      out.println("  " + brokerNote(run.delivery()));
    }
    out.println();
    LedgerAudit audit = idempotent.audit();
    out.printf(
        Locale.ROOT,
        "RESULT deliveries=%d unique=%d applied=%d duplicates_applied=%d lost=%d%n",
        idempotent.delivery().deliveries(),
        audit.unique(),
        audit.applied(),
        audit.duplicatesApplied(),
        audit.lost());
    out.flush();
    boolean failed = false;
    for (RunReport run : List.of(naive, idempotent)) {
      if (run.delivery().fatal() != null) {
        out.println("error: " + run.handler() + " stopped the run: " + run.delivery().fatal());
        failed = true;
      }
    }
    return !failed && audit.exactlyOnce() ? 0 : FAILED;
  }

  /** One sentence on what the run did to the ledger. */
  static String verdict(RunReport run) {
    LedgerAudit audit = run.audit();
    DeliveryStats delivery = run.delivery();
    StringBuilder text = new StringBuilder(run.handler()).append(": ");
    if (audit.exactlyOnce()) {
      long skipped = delivery.deliveries() - audit.unique() - delivery.failures();
      text.append(
          String.format(
              Locale.ROOT,
              "every event applied exactly once; %,d redelivered events recognised and skipped.",
              skipped));
      return text.toString();
    }
    if (audit.duplicatesApplied() > 0) {
      text.append(
          String.format(
              Locale.ROOT,
              "%,d duplicate ledger entries; customers overcharged by USD %s.",
              audit.duplicatesApplied(),
              ResultTable.usd(audit.overchargedCents())));
    }
    if (audit.lost() > 0) {
      text.append(String.format(Locale.ROOT, " %,d events never applied.", audit.lost()));
    }
    if (audit.mismatched() > 0) {
      text.append(
          String.format(
              Locale.ROOT, " %,d events booked with a wrong account or amount.", audit.mismatched()));
    }
    if (audit.unexpected() > 0) {
      text.append(
          String.format(
              Locale.ROOT, " %,d entries for payments never published.", audit.unexpected()));
    }
    return text.toString();
  }

  /** What the broker did: duplicates, crashes, failed deliveries. */
  static String brokerNote(DeliveryStats delivery) {
    StringBuilder text =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "(broker: %,d duplicates, %,d consumer crashes before the ack",
                delivery.scheduled() - delivery.messages(),
                delivery.crashes()));
    if (delivery.failures() > 0) {
      text.append(
          String.format(
              Locale.ROOT,
              ", %,d deliveries failed and were redelivered: %s",
              delivery.failures(),
              delivery.failuresByType().entrySet().stream()
                  .map(e -> e.getKey() + " " + ResultTable.number(e.getValue()))
                  .collect(Collectors.joining(", "))));
    }
    if (delivery.deadLettered() > 0) {
      text.append(
          String.format(
              Locale.ROOT,
              ", %,d dead-lettered; first failure: %s",
              delivery.deadLettered(),
              delivery.firstFailure()));
    }
    return text.append(')').toString();
  }

  private static String percent(double rate) {
    double percent = rate * 100;
    return percent == Math.rint(percent)
        ? String.format(Locale.ROOT, "%d%%", (long) percent)
        : String.format(Locale.ROOT, "%s%%", percent);
  }
}
