package io.idempo.test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Replaces the values of volatile columns (generated ids, timestamps) by {@link Label}s, so that a
 * snapshot keeps their structure and not their values: which rows share a value, and which rows
 * reference which. A group is one volatile column and the columns whose foreign keys reference it;
 * its distinct values, over all its columns, are ranked in their order (ids and timestamps grow,
 * so a row keeps its label when later rows are added) and each value becomes its rank.
 */
final class StructuralColumns {

  /** A column of a table, both as the snapshot shows them. */
  record Column(String table, String column) {
    @Override
    public String toString() {
      return table + "." + column;
    }
  }

  /** Natural order for values of one comparable type (numbers, timestamps, text), else by text. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static final Comparator<Object> VALUE_ORDER =
      (a, b) -> {
        if (a instanceof Comparable ca && a.getClass() == b.getClass()) {
          return ca.compareTo(b);
        }
        if (a instanceof Number na && b instanceof Number nb) {
          return Double.compare(na.doubleValue(), nb.doubleValue());
        }
        int byText = String.valueOf(a).compareTo(String.valueOf(b));
        return byText != 0 ? byText : a.getClass().getName().compareTo(b.getClass().getName());
      };

  /** Each volatile column to the columns in its group (itself first). */
  private final Map<Column, Set<Column>> groups = new LinkedHashMap<>();

  /** Matches {@code column} structurally. */
  void add(Column column) {
    groups.computeIfAbsent(column, c -> new LinkedHashSet<>(List.of(c)));
  }

  /** Whether {@code column} is matched structurally. */
  boolean matches(Column column) {
    return groups.containsKey(column);
  }

  /** {@code referencing} holds values of {@code referenced}; labelled alike if that is volatile. */
  void reference(Column referencing, Column referenced) {
    Set<Column> group = groups.get(referenced);
    if (group != null) {
      group.add(referencing);
    }
  }

  /** {@code tables} with the volatile columns' values replaced by labels. */
  List<Table> label(List<Table> tables) {
    if (groups.isEmpty()) {
      return tables;
    }
    Map<Column, Map<Object, Label>> labels = new HashMap<>();
    for (Set<Column> group : groups.values()) {
      TreeSet<Object> values = new TreeSet<>(VALUE_ORDER);
      for (Table table : tables) {
        for (Column column : group) {
          if (column.table().equals(table.name())) {
            for (Row row : table.rows()) {
              Object value = row.get(column.column());
              if (value != null) {
                values.add(value);
              }
            }
          }
        }
      }
      Map<Object, Label> ranks = new TreeMap<>(VALUE_ORDER);
      int rank = 0;
      for (Object value : values) {
        ranks.put(value, new Label(++rank));
      }
      for (Column column : group) {
        labels.put(column, ranks);
      }
    }
    List<Table> labelled = new ArrayList<>();
    for (Table table : tables) {
      List<Row> rows = new ArrayList<>();
      for (Row row : table.rows()) {
        Map<String, Object> values = new LinkedHashMap<>();
        row.values()
            .forEach(
                (column, value) -> {
                  Map<Object, Label> ranks = labels.get(new Column(table.name(), column));
                  values.put(column, ranks == null || value == null ? value : ranks.get(value));
                });
        rows.add(Row.of(values));
      }
      labelled.add(new Table(table.name(), table.keyColumns(), rows));
    }
    return labelled;
  }
}
