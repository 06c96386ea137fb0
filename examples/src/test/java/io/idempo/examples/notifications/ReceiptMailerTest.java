package io.idempo.examples.notifications;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.IdempotentHandler;
import io.idempo.examples.TestDatabases;
import io.idempo.examples.payments.PaymentCaptured;
import io.idempo.runtime.Claim;
import io.idempo.runtime.DuplicateInProgressException;
import io.idempo.runtime.HandlerDescriptor;
import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The receipt mailer under redelivery, in lease mode over a database store. */
class ReceiptMailerTest {

  private static final PaymentCaptured EVENT =
      new PaymentCaptured(
          UUID.fromString("1b0e5c1e-8f0a-4c4e-b3f5-6a9d2a7e0c11"), "acct-0042", 99_95, "grace@example.com");

  /** The same handler identity as the generated wrapper's (default name, lease of one minute). */
  private static final HandlerDescriptor SEND_RECEIPT =
      HandlerDescriptor.builder("io.idempo.examples.notifications.ReceiptMailer#sendReceipt")
          .keyPath("event.paymentId")
          .mode(IdempotentHandler.Mode.LEASE)
          .lease(Duration.ofMinutes(1))
          .build();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T09:00:00Z"));
  private JdbcIdempotencyStore store;
  private InMemoryMailSink outbox;

  @BeforeEach
  void setUp() {
    store = JdbcIdempotencyStore.builder(TestDatabases.h2()).clock(clock).build();
    store.createTableIfMissing();
    outbox = new InMemoryMailSink();
  }

  @Test
  void redeliveries_sendOneReceipt() {
    ReceiptMailer mailer = new IdempotentReceiptMailer(store, outbox);

    mailer.sendReceipt(EVENT);
    mailer.sendReceipt(EVENT);
    clock.advance(Duration.ofHours(1));
    mailer.sendReceipt(EVENT);

    assertThat(outbox.sent()).containsExactly(ReceiptMailer.receipt(EVENT));
    assertThat(outbox.sent().get(0).messageId())
        .isEqualTo("<receipt.1b0e5c1e-8f0a-4c4e-b3f5-6a9d2a7e0c11@payments.example.com>");
    assertThat(outbox.sent().get(0).subject()).isEqualTo("Your payment of USD 99.95");
  }

  @Test
  void aFailedSend_releasesTheClaim_soTheRedeliverySends() {
    AtomicInteger attempts = new AtomicInteger();
    MailSink flaky =
        mail -> {
          if (attempts.incrementAndGet() == 1) {
            throw new IllegalStateException("SMTP 421 service not available");
          }
          outbox.send(mail);
        };
    ReceiptMailer mailer = new IdempotentReceiptMailer(store, flaky);

    IllegalStateException failure =
        assertThrows(IllegalStateException.class, () -> mailer.sendReceipt(EVENT));
    assertThat(failure).hasMessageThat().contains("SMTP 421");
    assertThat(outbox.sent()).isEmpty();

    mailer.sendReceipt(EVENT);
    mailer.sendReceipt(EVENT);

    assertThat(outbox.sent()).hasSize(1);
    assertThat(attempts.get()).isEqualTo(2);
  }

  @Test
  void aSenderThatDiedMidSend_blocksDuplicatesUntilItsLeaseExpires_thenTheNextDeliverySends() {
    // Another process claimed the payment and died before completing: its lease is still live.
    Claim abandoned = store.claim(SEND_RECEIPT, EVENT.paymentId().toString());
    assertThat(abandoned.isDuplicate()).isFalse();
    ReceiptMailer mailer = new IdempotentReceiptMailer(store, outbox);

    assertThrows(DuplicateInProgressException.class, () -> mailer.sendReceipt(EVENT));
    assertThat(outbox.sent()).isEmpty();

    clock.advance(Duration.ofMinutes(2));
    mailer.sendReceipt(EVENT);
    mailer.sendReceipt(EVENT);

    assertThat(outbox.sent()).hasSize(1);
  }

  /** A clock that tests move forward. */
  private static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("fixed to UTC");
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
