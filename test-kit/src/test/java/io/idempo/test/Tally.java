package io.idempo.test;

import io.idempo.IdempotentHandler;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts payments in memory, in the shapes the checker flags: a counter, a running total, an
 * append. Its generated wrapper, {@code IdempotentTally}, makes it idempotent.
 */
public class Tally {

  int payments;
  long totalCents;
  final List<String> seen = new ArrayList<>();

  @IdempotentHandler(key = "payment.id", name = "tally")
  public void count(Payment payment) {
    payments++;
    totalCents += payment.amountCents();
    seen.add(payment.id());
  }
}
