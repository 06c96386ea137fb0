package io.idempo.processor.e2e;

import java.io.IOException;
import java.util.UUID;

/**
 * What the end-to-end test calls on the handler compiled at test time (from {@code
 * src/test/resources/e2e}) and on its generated wrapper.
 */
public interface PaymentApi {

  /** Non-void, with a checked exception. */
  String capture(Payment payment) throws IOException;

  /** Void, with a nested key path. */
  void welcome(Payment payment);

  /** Primitive result. */
  long total(Payment payment);

  /** Enum result, with an {@code @IdempotencyKey} parameter. */
  Thread.State status(UUID paymentId);

  /** How often any handler method body ran. */
  int runs();
}
