package io.idempo.test;

import java.util.List;

/**
 * Reads the state a handler changes, as one or more {@link Table}s, so that the state after one
 * delivery can be compared with the state after more. Implement it for state the kit does not read
 * out of the box (a Redis keyspace, a mock server's request log): return what a second delivery
 * must not change, and leave out what changes anyway (generated ids, timestamps).
 *
 * <p>The kit calls {@link #snapshot()} on the test's thread, between deliveries, never during one.
 * The tables of all sources of one check must have distinct names.
 */
@FunctionalInterface
public interface StateSource {

  /**
   * The state now. The returned rows must not change afterwards: copy mutable objects.
   *
   * @throws Exception if the state cannot be read; the check fails with it
   */
  List<Table> snapshot() throws Exception;
}
