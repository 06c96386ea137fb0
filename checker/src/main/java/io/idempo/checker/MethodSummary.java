package io.idempo.checker;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;

/**
 * What one method does to lasting state, in terms of its own receiver and parameters (see {@link
 * Root}): the read-modify-writes it performs, directly or through calls, and the places it
 * overwrites plainly (used to recognise a state transition made by a call, as in {@code
 * order.markPaid()} under {@code if (order.getStatus() == NEW)}).
 */
record MethodSummary(ImmutableList<Mutation> mutations, ImmutableSet<Write> writes) {

  static final MethodSummary EMPTY = new MethodSummary(ImmutableList.of(), ImmutableSet.of());

  /**
   * A plain (not self-derived) write to {@code root} followed by {@code suffix}, e.g. {@code THIS}
   * and {@code .status}.
   */
  record Write(Root root, String suffix) {}
}
