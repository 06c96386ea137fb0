package io.idempo.test;

/**
 * A volatile value matched structurally: the {@code rank}th distinct value of its column (and the
 * columns that reference it), in the values' order. Shown as {@code #rank}; equal to the same rank,
 * so that two runs that wrote different ids in the same pattern compare equal.
 *
 * @param rank 1 for the smallest value
 */
record Label(int rank) {

  @Override
  public String toString() {
    return "#" + rank;
  }
}
