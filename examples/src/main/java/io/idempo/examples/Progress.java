package io.idempo.examples;

import io.idempo.examples.broker.DeliveryStats;
import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Locale;

/**
 * Shows how far a run is, once it has taken longer than a second: redrawn in place on a terminal,
 * as a plain line at each quarter otherwise (a log, a pipe, CI).
 */
final class Progress {

  private static final long QUIET_NANOS = Duration.ofSeconds(1).toNanos();
  private static final long REDRAW_NANOS = Duration.ofMillis(250).toNanos();

  private final PrintStream out;
  private final boolean terminal;
  private String label = "";
  private int nextQuarter;
  private long lastDraw;
  private int drawnWidth;

  Progress(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  /** Whether this process writes to a terminal, where lines can be redrawn. */
  // Compiled for JDK 17, where null means "not a terminal"; on JDK 22+ isTerminal() decides.
  @SuppressWarnings("SystemConsoleNull")
  static boolean isTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    // From JDK 22 on, System.console() is not null when the output is redirected either;
    // Console.isTerminal(), new in JDK 22, tells the two apart.
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  /** Starts reporting on the run of {@code label}. */
  void start(String label) {
    this.label = label;
    this.nextQuarter = 1;
    this.lastDraw = 0;
  }

  /** Reports {@code stats}; call it often, it decides what to show. */
  void update(DeliveryStats stats) {
    long elapsed = stats.elapsed().toNanos();
    if (elapsed < QUIET_NANOS) {
      return;
    }
    double done = stats.progress();
    if (terminal) {
      long now = System.nanoTime();
      if (now - lastDraw >= REDRAW_NANOS) {
        lastDraw = now;
        draw(line(stats, done));
      }
    } else if (nextQuarter <= 3 && done >= nextQuarter / 4.0) {
      while (nextQuarter <= 3 && done >= nextQuarter / 4.0) {
        nextQuarter++;
      }
      out.println(line(stats, done));
      out.flush();
    }
  }

  /** Clears the progress line of a finished run. */
  void finish() {
    if (terminal && drawnWidth > 0) {
      out.print("\r" + " ".repeat(drawnWidth) + "\r");
      out.flush();
      drawnWidth = 0;
    }
  }

  private void draw(String line) {
    String padded = line.length() < drawnWidth ? line + " ".repeat(drawnWidth - line.length()) : line;
    out.print("\r" + padded);
    out.flush();
    drawnWidth = Math.max(drawnWidth, line.length());
  }

  private String line(DeliveryStats stats, double done) {
    return String.format(
        Locale.ROOT,
        "%s: %3d%%  %,d deliveries, %,.0f msgs/s",
        label,
        (int) Math.floor(done * 100),
        stats.deliveries(),
        stats.deliveriesPerSecond());
  }
}
