package io.idempo.test;

import java.util.List;
import java.util.Objects;

/**
 * One named part of the state a {@link StateSource} reads: a database table, the messages a
 * publisher accepted, the calls on a collaborator, an object's fields. Its rows are compared as a
 * multiset: order does not matter, how often a row occurs does.
 *
 * @param name what a failure message calls it, for example {@code payment_ledger}
 * @param keyColumns the columns that identify a row (a primary key), or empty. When a row with the
 *     same key values has different other values after the redelivery, the failure message shows
 *     it as changed, column by column, rather than as one row gone and one new
 * @param rows the rows, in any order
 */
public record Table(String name, List<String> keyColumns, List<Row> rows) {

  public Table {
    Objects.requireNonNull(name, "name");
    keyColumns = List.copyOf(keyColumns);
    rows = List.copyOf(rows);
  }

  /** A table without key columns. */
  public static Table of(String name, List<Row> rows) {
    return new Table(name, List.of(), rows);
  }
}
