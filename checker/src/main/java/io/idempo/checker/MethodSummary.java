package io.idempo.checker;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import org.jspecify.annotations.Nullable;

/**
 * What one method does to lasting state, in terms of its own receiver and parameters (see {@link
 * Root}): the read-modify-writes it performs, directly or through calls, and the places it
 * overwrites plainly (used to recognise a state transition made by a call, as in {@code
 * order.markPaid()} under {@code if (order.getStatus() == NEW)}), and where the value it returns
 * hangs from ({@code returned}; null when unknown), so that {@code Wallet w = checkWallet(id)} is
 * known to be loaded lasting state.
 */
record MethodSummary(
    ImmutableList<Mutation> mutations, ImmutableSet<Place> writes, @Nullable Root returned) {

  /** The summary of a method whose body the check cannot read: it knows nothing of it. */
  static final MethodSummary EMPTY = new MethodSummary(ImmutableList.of(), ImmutableSet.of(), null);

}
