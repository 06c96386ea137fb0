package io.idempo.test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The tables of every state source of a check at one moment, by name, in the sources' order. */
final class Snapshot {

  private final Map<String, Table> tables;

  private Snapshot(Map<String, Table> tables) {
    this.tables = tables;
  }

  static Snapshot take(List<StateSource> sources) {
    Map<String, Table> tables = new LinkedHashMap<>();
    for (StateSource source : sources) {
      List<Table> read;
      try {
        read = source.snapshot();
      } catch (Exception e) {
        throw new IllegalStateException("cannot read the state of " + source + ": " + e, e);
      }
      for (Table table : read) {
        if (tables.put(table.name(), table) != null) {
          throw new IllegalStateException(
              "two state sources read a table named "
                  + table.name()
                  + "; give one of them another name");
        }
      }
    }
    return new Snapshot(Collections.unmodifiableMap(tables));
  }

  boolean isEmpty() {
    return tables.values().stream().allMatch(table -> table.rows().isEmpty());
  }

  /** The tables that differ between this snapshot and {@code later}, in table order. */
  List<TableDiff> diff(Snapshot later) {
    List<TableDiff> diffs = new ArrayList<>();
    for (Table table : tables.values()) {
      Table other = later.tables.getOrDefault(table.name(), Table.of(table.name(), List.of()));
      TableDiff diff = TableDiff.between(table, other);
      if (!diff.isEmpty()) {
        diffs.add(diff);
      }
    }
    for (Table table : later.tables.values()) {
      if (!tables.containsKey(table.name())) {
        TableDiff diff = TableDiff.between(Table.of(table.name(), List.of()), table);
        if (!diff.isEmpty()) {
          diffs.add(diff);
        }
      }
    }
    return diffs;
  }
}
