package io.idempo.examples.notifications;

/**
 * Sends e-mail: an SMTP client or a mail provider's API in production, an in-memory outbox in the
 * tests. Its effect is outside the database, so no database transaction can take it back.
 */
@FunctionalInterface
public interface MailSink {

  /**
   * Sends {@code mail}.
   *
   * @throws RuntimeException if the mail could not be handed over; it may be sent again
   */
  void send(Mail mail);
}
