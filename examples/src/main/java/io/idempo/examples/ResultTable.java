package io.idempo.examples;

import io.idempo.examples.PaymentsSimulation.RunReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The demo's table: one row per handler run. */
final class ResultTable {

  private static final String[] HEADERS = {
    "handler",
    "deliveries",
    "unique events",
    "effects applied",
    "duplicates applied",
    "events lost",
    "overcharged (USD)",
    "msgs/s"
  };

  private ResultTable() {}

  /** The table's lines, columns aligned, numbers right-aligned with grouping separators. */
  static List<String> format(List<RunReport> runs) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADERS);
    for (RunReport run : runs) {
      LedgerAudit audit = run.audit();
      rows.add(
          new String[] {
            run.handler(),
            number(run.delivery().deliveries()),
            number(audit.unique()),
            number(audit.applied()),
            number(audit.duplicatesApplied()),
            number(audit.lost()),
            usd(audit.overchargedCents()),
            number(Math.round(run.delivery().deliveriesPerSecond()))
          });
    }
    int[] widths = new int[HEADERS.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        if (i == 0) {
          line.append(row[i]).append(" ".repeat(widths[i] - row[i].length()));
        } else {
          line.append("  ").append(" ".repeat(widths[i] - row[i].length())).append(row[i]);
        }
      }
      lines.add(line.toString());
    }
    return lines;
  }

  static String number(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  static String usd(long cents) {
    String sign = cents < 0 ? "-" : "";
    long abs = Math.abs(cents);
    return String.format(Locale.ROOT, "%s%,d.%02d", sign, abs / 100, abs % 100);
  }
}
