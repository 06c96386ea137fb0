package io.idempo.examples;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The quick-start program. For now it shows the problem Idempo exists for: an at-least-once
 * broker redelivers payment events, and a naive handler charges some of them twice.
 */
public final class Demo {

  private Demo() {}

  /** One payment event; {@code id} is unique per event, and equal across redeliveries. */
  record PaymentCaptured(long id, long amountCents) {}

  /** A ledger that adds every captured amount, as teams first write it. */
  static final class NaiveLedger {
    private long balanceCents;

    void capture(PaymentCaptured event) {
      balanceCents += event.amountCents();
    }

    long balanceCents() {
      return balanceCents;
    }
  }

  /** What happened when a stream with duplicates went through the naive ledger. */
  record Outcome(int deliveries, int uniqueEvents, long expectedCents, long actualCents) {}

  /** Delivers {@code events} events, each redelivered with probability {@code duplicateRate}. */
  static Outcome run(int events, double duplicateRate, long seed) {
    Random random = new Random(seed);
    List<PaymentCaptured> deliveries = new ArrayList<>();
    long expected = 0;
    for (long id = 1; id <= events; id++) {
      PaymentCaptured event = new PaymentCaptured(id, 100 + random.nextInt(9_900));
      expected += event.amountCents();
      deliveries.add(event);
      if (random.nextDouble() < duplicateRate) {
        deliveries.add(event);
      }
    }
    NaiveLedger ledger = new NaiveLedger();
    deliveries.forEach(ledger::capture);
    return new Outcome(deliveries.size(), events, expected, ledger.balanceCents());
  }

  public static void main(String[] args) {
    Outcome outcome = run(10_000, 0.2, 42);
    PrintStream out = System.out;
    out.printf("Delivered %,d payment events as %,d deliveries (20%% redelivered).%n",
        outcome.uniqueEvents(), outcome.deliveries());
    out.printf("Ledger should hold %,d cents; the naive handler recorded %,d cents (%,d too many).%n",
        outcome.expectedCents(), outcome.actualCents(), outcome.actualCents() - outcome.expectedCents());
  }
}
