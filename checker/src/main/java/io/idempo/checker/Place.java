package io.idempo.checker;

/**
 * A place in lasting state, seen from inside one method: the {@link Root} it hangs from and the
 * member path below it, as Error Prone's {@code AccessPath} names a place by base and selectors.
 * {@code (THIS, ".status")} is this method's {@code this.status}; {@code (PARAM 0, ".items[]")} the
 * elements of {@code items} of its first parameter; {@code (GLOBAL, "shop.Stock.TOTAL")} a static
 * field. Summaries carry places, and {@link LastingState} alone turns them into the keys it compares
 * inside a method and translates them to a caller's view at a call.
 *
 * @param path the selectors below the root: {@code .field}, {@code .property}, {@code []} for
 *     elements; for {@link Root.Kind#GLOBAL}, the qualified name of the static field and what follows
 */
record Place(Root root, String path) {

  Place {
    if (root.kind() == Root.Kind.FRESH) {
      throw new IllegalArgumentException("a place in fresh state is no lasting place: " + path);
    }
  }
}
