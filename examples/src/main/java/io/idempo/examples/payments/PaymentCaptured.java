package io.idempo.examples.payments;

import java.util.Objects;
import java.util.UUID;

/**
 * A payment provider's event: the amount of payment {@code paymentId} was captured for customer
 * account {@code accountId}. The provider assigns {@code paymentId} once; every delivery of the
 * event, and every redelivery, carries the same one, which makes it the idempotency key.
 *
 * @param paymentId the payment, unique per payment
 * @param accountId the customer account to credit
 * @param amountCents the captured amount, in cents
 * @param customerEmail where the receipt goes
 */
public record PaymentCaptured(UUID paymentId, String accountId, long amountCents, String customerEmail) {

  public PaymentCaptured {
    Objects.requireNonNull(paymentId, "paymentId");
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(customerEmail, "customerEmail");
    if (amountCents <= 0) {
      throw new IllegalArgumentException(
          "amountCents of payment " + paymentId + " must be positive, was " + amountCents);
    }
  }
}
