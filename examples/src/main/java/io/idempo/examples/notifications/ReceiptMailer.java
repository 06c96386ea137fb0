package io.idempo.examples.notifications;

import io.idempo.IdempotentHandler;
import io.idempo.examples.payments.PaymentCaptured;
import java.util.Locale;

/**
 * Sends the customer a receipt when a payment is captured, once per payment.
 *
 * <p>Sending mail is an effect outside the database, so this handler uses {@linkplain
 * IdempotentHandler.Mode#LEASE lease mode}: the generated {@code IdempotentReceiptMailer} commits
 * the claim as in progress before the method runs, marks it completed after the mail was handed
 * over, and deletes it if sending threw, so that the redelivery tries again. Duplicates that arrive
 * while the first delivery is sending are refused with {@code DuplicateInProgressException} (the
 * broker redelivers them later) and afterwards skipped.
 *
 * <p>The one gap no consumer-side record can close: if the process dies after the mail left and
 * before the claim was marked completed, the lease expires and the next delivery sends again. The
 * mail therefore carries a {@code Message-ID} derived from the payment id, for providers that
 * deduplicate by it. Choose the lease longer than the slowest successful send.
 */
public class ReceiptMailer {

  private final MailSink mailSink;

  /** Creates the mailer. */
  public ReceiptMailer(MailSink mailSink) {
    this.mailSink = mailSink;
  }

  /** Sends the receipt for {@code event}. */
  @IdempotentHandler(key = "event.paymentId", mode = IdempotentHandler.Mode.LEASE, lease = "PT1M")
  public void sendReceipt(PaymentCaptured event) {
    mailSink.send(receipt(event));
  }

  /** The receipt for {@code event}. */
  public static Mail receipt(PaymentCaptured event) {
    String amount =
        String.format(Locale.ROOT, "%d.%02d", event.amountCents() / 100, event.amountCents() % 100);
    return new Mail(
        "<receipt." + event.paymentId() + "@payments.example.com>",
        event.customerEmail(),
        "Your payment of USD " + amount,
        "We received your payment of USD "
            + amount
            + " (payment "
            + event.paymentId()
            + ").\nThank you.\n");
  }
}
