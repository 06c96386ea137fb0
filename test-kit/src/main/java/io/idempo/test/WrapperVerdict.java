package io.idempo.test;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether the Idempo wrapper or the handler body kept a redelivery's effect the same, read from
 * what a {@link ClaimLog} saw, and the line of the report that says so.
 */
final class WrapperVerdict {

  private WrapperVerdict() {}

  /**
   * What the store decided for the redeliveries, from the claim log's {@code events} since the
   * first delivery: more claims than {@code expectedClaims} (the runs' first deliveries) mean the
   * handler body ran again.
   */
  static RedeliveryReport.Wrapper of(
      List<ClaimLog.Event> events, int expectedClaims, boolean afterFailure) {
    int claims = 0;
    int skipped = 0;
    int released = 0;
    for (ClaimLog.Event event : events) {
      switch (event.kind()) {
        case CLAIMED, EXPIRED -> claims++;
        case DUPLICATE, IN_PROGRESS -> skipped++;
        case RELEASED -> released++;
        case COMPLETED -> {}
      }
    }
    if (afterFailure && released > 0 && claims <= expectedClaims) {
      return RedeliveryReport.Wrapper.RELEASED_AFTER_FAILURE;
    }
    if (claims > expectedClaims) {
      return RedeliveryReport.Wrapper.CLAIMED_AGAIN;
    }
    if (skipped > 0) {
      return RedeliveryReport.Wrapper.DUPLICATES_SKIPPED;
    }
    return RedeliveryReport.Wrapper.NO_CLAIMS;
  }

  /** The report's last line for {@code wrapper}: who kept the effect the same, or why not. */
  static String explain(
      RedeliveryReport.Wrapper wrapper, boolean same, List<ClaimLog.Event> events) {
    String keys = keys(events);
    return switch (wrapper) {
      case NOT_WATCHED -> "";
      case NO_CLAIMS ->
          same
              ? "No Idempo claim was observed: the handler body ran on every delivery and is"
                  + " idempotent by itself."
              : "No Idempo claim was observed: the handler body ran on every delivery. Wrap it"
                  + " (@IdempotentHandler) or make the write itself idempotent.";
      case DUPLICATES_SKIPPED ->
          same
              ? "The Idempo wrapper made it safe: it recognised the redelivery of "
                  + keys
                  + " as a duplicate and did not run the handler again."
              : "The Idempo wrapper recognised the redelivery of "
                  + keys
                  + " as a duplicate and did not run the handler, yet the state changed: the change"
                  + " was made outside the claim (on a connection that commits on its own, or by"
                  + " code around the handler).";
      case CLAIMED_AGAIN ->
          same
              ? "The Idempo wrapper claimed "
                  + keys
                  + " again and the handler body ran again; the body kept the effect the same by"
                  + " itself."
              : "The Idempo wrapper did not stop the redelivery: it claimed "
                  + keys
                  + " again and the handler body ran again. Is the key the same for every"
                  + " delivery, and longer-lived than the redelivery (ttl)?";
      case RELEASED_AFTER_FAILURE ->
          same
              ? "The Idempo wrapper released the failed delivery's claim of "
                  + keys
                  + "; what that delivery wrote was undone with it, and the redelivery ran the"
                  + " handler once more."
              : "The Idempo wrapper released the failed delivery's claim of "
                  + keys
                  + " and the redelivery ran the handler again, but what the failed delivery wrote"
                  + " stayed: it was not in the claim's transaction.";
    };
  }

  private static String keys(List<ClaimLog.Event> events) {
    List<String> keys = new ArrayList<>();
    for (ClaimLog.Event event : events) {
      String key = event.handler() + "/" + event.key();
      if (!keys.contains(key)) {
        keys.add(key);
      }
    }
    return String.join(", ", keys);
  }
}
