package io.idempo.examples.outbox;

import java.util.Objects;
import java.util.UUID;

/**
 * A command to the payments service: capture {@code amountCents} of payment {@code paymentId} for
 * account {@code accountId}. The caller retries it until acknowledged, so it may arrive more than
 * once; {@code paymentId} is its idempotency key.
 *
 * @param paymentId the payment, unique per payment
 * @param accountId the customer account
 * @param amountCents the amount to capture, in cents
 */
public record CapturePayment(UUID paymentId, String accountId, long amountCents) {

  public CapturePayment {
    Objects.requireNonNull(paymentId, "paymentId");
    Objects.requireNonNull(accountId, "accountId");
    if (amountCents <= 0) {
      throw new IllegalArgumentException(
          "amountCents of payment " + paymentId + " must be positive, was " + amountCents);
    }
  }
}
