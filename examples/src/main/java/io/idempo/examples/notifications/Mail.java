package io.idempo.examples.notifications;

import java.util.Objects;

/**
 * An e-mail.
 *
 * @param messageId the {@code Message-ID} header; derived from the event, so that a mail provider
 *     that deduplicates by it drops a resend
 * @param to the recipient
 * @param subject the subject line
 * @param body the plain-text body
 */
public record Mail(String messageId, String to, String subject, String body) {

  public Mail {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(body, "body");
  }
}
