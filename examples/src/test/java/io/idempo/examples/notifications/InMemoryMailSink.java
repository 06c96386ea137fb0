package io.idempo.examples.notifications;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link MailSink} that keeps every mail it is given, in order: an outbox that tests inspect. It
 * counts every send, so a mail sent twice shows up twice.
 */
public final class InMemoryMailSink implements MailSink {

  private final List<Mail> sent = new ArrayList<>();

  @Override
  public synchronized void send(Mail mail) {
    sent.add(mail);
  }

  /** Every mail sent so far, in order. */
  public synchronized List<Mail> sent() {
    return List.copyOf(sent);
  }
}
