package io.idempo.test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one table differs between two snapshots: rows that appeared, rows that disappeared, and rows
 * whose key stayed while other columns changed. Rows are matched as a multiset.
 */
final class TableDiff {

  /** At most this many rows of each kind are shown; the rest are counted. */
  private static final int SHOWN_ROWS = 10;

  private final String name;
  private final int rowsBefore;
  private final int rowsAfter;
  private final List<Row> added;
  private final List<Row> removed;
  private final List<Row[]> changed;
  private final List<String> keyColumns;
  private final Table before;
  private final Table after;

  private TableDiff(
      Table before,
      Table after,
      String name,
      int rowsBefore,
      int rowsAfter,
      List<String> keyColumns,
      List<Row> added,
      List<Row> removed,
      List<Row[]> changed) {
    this.before = before;
    this.after = after;
    this.name = name;
    this.rowsBefore = rowsBefore;
    this.rowsAfter = rowsAfter;
    this.keyColumns = keyColumns;
    this.added = added;
    this.removed = removed;
    this.changed = changed;
  }

  static TableDiff between(Table before, Table after) {
    Map<Row, Integer> remaining = new LinkedHashMap<>();
    for (Row row : before.rows()) {
      remaining.merge(row, 1, Integer::sum);
    }
    List<Row> added = new ArrayList<>();
    for (Row row : after.rows()) {
      Integer count = remaining.get(row);
      if (count == null) {
        added.add(row);
      } else if (count == 1) {
        remaining.remove(row);
      } else {
        remaining.put(row, count - 1);
      }
    }
    List<Row> removed = new ArrayList<>();
    remaining.forEach(
        (row, count) -> {
          for (int i = 0; i < count; i++) {
            removed.add(row);
          }
        });
    List<String> keyColumns = before.keyColumns().isEmpty() ? after.keyColumns() : before.keyColumns();
    List<Row[]> changed = new ArrayList<>();
    if (!keyColumns.isEmpty()) {
      for (Iterator<Row> newRows = added.iterator(); newRows.hasNext(); ) {
        Row newRow = newRows.next();
        Row key = newRow.project(keyColumns);
        for (Iterator<Row> oldRows = removed.iterator(); oldRows.hasNext(); ) {
          Row oldRow = oldRows.next();
          if (oldRow.project(keyColumns).equals(key)) {
            changed.add(new Row[] {oldRow, newRow});
            oldRows.remove();
            newRows.remove();
            break;
          }
        }
      }
    } else if (added.size() == 1 && removed.size() == 1) {
      changed.add(new Row[] {removed.remove(0), added.remove(0)});
    }
    return new TableDiff(
        before,
        after,
        before.name(),
        before.rows().size(),
        after.rows().size(),
        keyColumns,
        added,
        removed,
        changed);
  }

  /** The table's rows before, one per line and sorted, for an IDE's side-by-side diff. */
  String beforeContents() {
    return contents(before);
  }

  /** The table's rows after, one per line and sorted. */
  String afterContents() {
    return contents(after);
  }

  private String contents(Table table) {
    List<String> rows = new ArrayList<>();
    for (Row row : table.rows()) {
      rows.add("  " + row);
    }
    java.util.Collections.sort(rows);
    StringBuilder text = new StringBuilder(name).append(':');
    for (String row : rows) {
      text.append('\n').append(row);
    }
    return text.toString();
  }

  boolean isEmpty() {
    return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
  }

  String name() {
    return name;
  }

  /**
   * For example:
   *
   * <pre>
   * payment_ledger: 1 row after one delivery, 2 rows after two:
   *   + {payment_id=p-1, amount_cents=1000}
   * payment_account: 1 row after one delivery and two, not the same:
   *   ~ {account_id=acct-1} balance_cents: 1000 after one delivery, 2000 after two
   * </pre>
   */
  String render(String beforeLabel, String afterLabel) {
    StringBuilder text = new StringBuilder(name).append(": ");
    if (rowsBefore != rowsAfter) {
      text.append(rows(rowsBefore))
          .append(' ')
          .append(beforeLabel)
          .append(", ")
          .append(rows(rowsAfter))
          .append(' ')
          .append(afterLabel);
    } else {
      text.append(rows(rowsBefore))
          .append(' ')
          .append(beforeLabel)
          .append(" and ")
          .append(afterLabel.replaceFirst("^after ", ""))
          .append(", not the same");
    }
    text.append(':');
    appendRows(text, "+ ", added);
    appendRows(text, "- ", removed);
    int shown = 0;
    for (Row[] pair : changed) {
      if (shown++ == SHOWN_ROWS) {
        text.append("\n  … and ").append(changed.size() - SHOWN_ROWS).append(" more changed rows");
        break;
      }
      text.append("\n  ~ ");
      if (!keyColumns.isEmpty()) {
        text.append(pair[0].project(keyColumns)).append(' ');
      }
      List<String> columns = pair[0].changedColumns(pair[1]);
      for (int i = 0; i < columns.size(); i++) {
        String column = columns.get(i);
        text.append(i == 0 ? "" : "; ")
            .append(column)
            .append(": ")
            .append(Values.show(pair[0].get(column)))
            .append(' ')
            .append(beforeLabel)
            .append(", ")
            .append(Values.show(pair[1].get(column)))
            .append(' ')
            .append(afterLabel);
      }
    }
    return text.toString();
  }

  private static void appendRows(StringBuilder text, String sign, List<Row> rows) {
    for (int i = 0; i < rows.size(); i++) {
      if (i == SHOWN_ROWS) {
        text.append("\n  … and ").append(rows.size() - SHOWN_ROWS).append(" more");
        return;
      }
      text.append("\n  ").append(sign).append(rows.get(i));
    }
  }

  private static String rows(int count) {
    return count == 1 ? "1 row" : count + " rows";
  }
}
