package io.idempo.examples;

import io.idempo.examples.payments.PaymentCaptured;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;

/** The demo's payment events: random but reproducible from a seed. */
final class PaymentStream {

  /** How many customer accounts the payments go to. */
  static final int ACCOUNTS = 1_000;

  private PaymentStream() {}

  /** {@code count} events with distinct payment ids, amounts from 1.00 to 500.00. */
  static List<PaymentCaptured> generate(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<PaymentCaptured> events = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int account = random.nextInt(ACCOUNTS);
      events.add(
          new PaymentCaptured(
              randomUuid(random),
              accountId(account),
              100 + random.nextLong(49_901),
              String.format(Locale.ROOT, "customer%04d@example.com", account)));
    }
    return events;
  }

  /** Every account id {@link #generate} may use. */
  static List<String> accountIds() {
    List<String> ids = new ArrayList<>(ACCOUNTS);
    for (int i = 0; i < ACCOUNTS; i++) {
      ids.add(accountId(i));
    }
    return ids;
  }

  private static String accountId(int account) {
    return String.format(Locale.ROOT, "acct-%04d", account);
  }

  /** A version 4 UUID from {@code random}, so that the stream depends on the seed alone. */
  private static UUID randomUuid(SplittableRandom random) {
    long most = (random.nextLong() & ~0xF000L) | 0x4000L;
    long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(most, least);
  }
}
