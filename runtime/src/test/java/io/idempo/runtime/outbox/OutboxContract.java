package io.idempo.runtime.outbox;

import static com.google.common.truth.Truth.assertThat;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.runtime.Claim;
import io.idempo.runtime.HandlerDescriptor;
import io.idempo.runtime.TestClock;
import io.idempo.runtime.jdbc.Dialect;
import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the outbox and its relay guarantee, on a real database: atomicity with the handler's
 * transaction and dedup record, stable ids, order per key, backoff, purge, shutdown, concurrent
 * relays, and the exactly-once effect end to end with crashes. Subclasses provide a fresh database
 * (or schema) per test.
 */
abstract class OutboxContract {

  static final HandlerDescriptor UPSTREAM = HandlerDescriptor.builder("payments.capture").keyPath("event.id").build();
  static final HandlerDescriptor DOWNSTREAM =
      HandlerDescriptor.builder("ledger.onPaymentCaptured").keyPath("message.id").build();
  static final String TOPIC = "payments.captured";

  final TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
  DataSource database;
  JdbcIdempotencyStore store;
  JdbcOutbox outbox;
  final InMemoryMessagePublisher publisher = new InMemoryMessagePublisher();
  final List<OutboxRelay> relays = new ArrayList<>();

  /** A fresh, empty database (or schema) for one test. */
  abstract DataSource freshDatabase();

  /** The dialect the outbox must detect. */
  abstract Dialect expectedDialect();

  /** Releases a database from {@link #freshDatabase()}; nothing by default. */
  void closeDatabase(DataSource dataSource) {}

  @BeforeEach
  void setUp() throws SQLException {
    database = freshDatabase();
    store = JdbcIdempotencyStore.builder(database).clock(clock).build();
    store.createTableIfMissing();
    outbox = JdbcOutbox.builder(store.dataSource()).clock(clock).build();
    outbox.createTableIfMissing();
    execute("CREATE TABLE captures (event_id VARCHAR(64) NOT NULL, account VARCHAR(64) NOT NULL)");
    execute("CREATE TABLE ledger (message_id VARCHAR(36) NOT NULL, event_id VARCHAR(64) NOT NULL)");
  }

  @AfterEach
  void tearDown() {
    relays.forEach(OutboxRelay::close);
    closeDatabase(database);
  }

  OutboxRelay.Builder relayBuilder(MessagePublisher publisher) {
    return OutboxRelay.builder(database, publisher)
        .clock(clock)
        .initialBackoff(Duration.ofSeconds(1))
        .maxBackoff(Duration.ofSeconds(8))
        .pollInterval(Duration.ofMillis(20))
        .shutdownTimeout(Duration.ofSeconds(10));
  }

  OutboxRelay relay(MessagePublisher publisher) {
    OutboxRelay relay = relayBuilder(publisher).build();
    relays.add(relay);
    return relay;
  }

  // ---------------------------------------------------------------------------------------------
  // Writing: atomicity with the handler's transaction

  @Test
  void theDialectIsDetected() {
    assertThat(outbox.dialect()).isEqualTo(expectedDialect());
    assertThat(JdbcOutbox.forStore(store).dialect()).isEqualTo(expectedDialect());
  }

  @Test
  void aHandlerThatCommits_leavesItsMessageInTheOutbox_withItsWorkAndItsRecord() throws Exception {
    UUID id = captureUpstream("evt-1", "acct-1", false);

    assertThat(count("SELECT COUNT(*) FROM captures")).isEqualTo(1);
    assertThat(count("SELECT COUNT(*) FROM idempo_outbox")).isEqualTo(1);
    assertThat(outbox.countUnsent()).isEqualTo(1);
    assertThat(store.claim(UPSTREAM, "evt-1").isDuplicate()).isTrue();
    assertThat(relay(publisher).runOnce().published()).isEqualTo(1);
    assertThat(publisher.publishedIds()).containsExactly(id);
  }

  @Test
  void aHandlerThatThrows_leavesNoMessage_andItsRedeliverySendsOne() throws Exception {
    IllegalStateException failure =
        assertThrows(IllegalStateException.class, () -> captureUpstream("evt-1", "acct-1", true));
    assertThat(failure).hasMessageThat().contains("after sending");

    assertThat(count("SELECT COUNT(*) FROM idempo_outbox")).isEqualTo(0);
    assertThat(count("SELECT COUNT(*) FROM captures")).isEqualTo(0);
    assertThat(relay(publisher).runOnce().selected()).isEqualTo(0);

    UUID id = captureUpstream("evt-1", "acct-1", false);
    assertThat(captureUpstream("evt-1", "acct-1", false)).isNull(); // a duplicate sends nothing
    assertThat(count("SELECT COUNT(*) FROM idempo_outbox")).isEqualTo(1);
    relays.get(0).runOnce();
    assertThat(publisher.publishedIds()).containsExactly(id);
  }

  @Test
  void sendingInAutoCommitMode_isRefusedAsADualWrite() {
    JdbcOutbox onThePool = JdbcOutbox.builder(database).clock(clock).build();
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> onThePool.send(OutboxMessage.of(TOPIC, "k", new byte[] {1})));
    assertThat(e).hasMessageThat().contains("auto-commit");
    assertThat(e).hasMessageThat().contains("forStore(store)");

    JdbcOutbox allowed = JdbcOutbox.builder(database).clock(clock).requireTransaction(false).build();
    allowed.send(OutboxMessage.of(TOPIC, "k", new byte[] {1}));
    assertThat(allowed.countUnsent()).isEqualTo(1);
  }

  @Test
  void aMessageArrivesAsSent_withItsIdHeadersAndPayload() throws Exception {
    byte[] payload = {0, 1, 2, (byte) 0xff};
    OutboxMessage message =
        OutboxMessage.builder(TOPIC, "acct-ü-1", payload)
            .header("content-type", "application/octet-stream")
            .header("trace:id", "1:2:3")
            .header("empty", "")
            .header("emoji", "\uD83D\uDE00")
            .build();
    UUID id = inTransaction(() -> outbox.send(message));

    relay(publisher).runOnce();

    OutboxEnvelope published = publisher.published().get(0);
    assertThat(published.id()).isEqualTo(id);
    assertThat(published.destination()).isEqualTo(TOPIC);
    assertThat(published.key()).isEqualTo("acct-ü-1");
    assertThat(published.payload()).isEqualTo(payload);
    assertThat(published.headers()).containsExactlyEntriesIn(message.headers()).inOrder();
    assertThat(published.createdAt()).isEqualTo(clock.instant());
    assertThat(published.attempt()).isEqualTo(1);
  }

  @Test
  void aRequestedIdIsKept_andTakingItTwiceFails() throws Exception {
    UUID id = UUID.nameUUIDFromBytes("payments.capture:evt-1".getBytes(UTF_8));
    OutboxMessage message = OutboxMessage.builder(TOPIC, "k", new byte[] {1}).id(id).build();
    assertThat(inTransaction(() -> outbox.send(message))).isEqualTo(id);

    OutboxException e = assertThrows(OutboxException.class, () -> inTransaction(() -> outbox.send(message)));
    assertThat(e).hasMessageThat().contains(id + " is already in the outbox");
    assertThat(count("SELECT COUNT(*) FROM idempo_outbox")).isEqualTo(1);
  }

  @Test
  void aMissingTable_isReportedWithTheFix() {
    JdbcOutbox elsewhere = JdbcOutbox.builder(store.dataSource()).tableName("no_such_outbox").build();
    OutboxException e =
        assertThrows(
            OutboxException.class,
            () -> inTransaction(() -> elsewhere.send(OutboxMessage.of(TOPIC, "k", new byte[0]))));
    assertThat(e).hasMessageThat().contains("createTableIfMissing()");
    assertThat(e).hasMessageThat().contains(elsewhere.ddlResource());

    OutboxRelay relay = relayBuilder(publisher).tableName("no_such_outbox").build();
    OutboxException r = assertThrows(OutboxException.class, relay::runOnce);
    assertThat(r).hasMessageThat().contains("createTableIfMissing()");
  }

  @Test
  void createTableIfMissing_canRunTwice_andACustomTableWorks() throws Exception {
    outbox.createTableIfMissing();
    JdbcOutbox custom = JdbcOutbox.builder(store.dataSource()).tableName("orders_outbox").clock(clock).build();
    custom.createTableIfMissing();
    UUID id = inTransaction(() -> custom.send(OutboxMessage.of(TOPIC, "k", new byte[] {7})));
    relays.add(relayBuilder(publisher).tableName("orders_outbox").build());
    relays.get(0).runOnce();
    assertThat(publisher.publishedIds()).containsExactly(id);
    assertThat(count("SELECT COUNT(*) FROM idempo_outbox")).isEqualTo(0);
  }

  // ---------------------------------------------------------------------------------------------
  // Relaying: order, failures, backoff, crashes, purge, shutdown

  @Test
  void messagesOfOneKeyArePublishedInOrder_acrossBatches() throws Exception {
    List<UUID> sent = new ArrayList<>();
    inTransaction(
        () -> {
          for (int i = 0; i < 7; i++) {
            sent.add(outbox.send(OutboxMessage.of(TOPIC, "k" + (i % 2), new byte[] {(byte) i})));
          }
          return null;
        });
    OutboxRelay relay = relayBuilder(publisher).batchSize(3).build();
    relays.add(relay);

    assertThat(relay.runOnce()).isEqualTo(new OutboxRelay.Batch(3, 3, 0, 0));
    assertThat(relay.runOnce()).isEqualTo(new OutboxRelay.Batch(3, 3, 0, 0));
    assertThat(relay.runOnce()).isEqualTo(new OutboxRelay.Batch(1, 1, 0, 0));
    assertThat(relay.runOnce()).isEqualTo(new OutboxRelay.Batch(0, 0, 0, 0));
    assertThat(publisher.publishedIds()).containsExactlyElementsIn(sent).inOrder();
  }

  @Test
  void aRefusedMessage_holdsBackItsKey_otherKeysGoOn_thenItsKeyFollowsInOrder() throws Exception {
    List<UUID> a = new ArrayList<>();
    List<UUID> b = new ArrayList<>();
    inTransaction(
        () -> {
          for (int i = 0; i < 3; i++) {
            a.add(outbox.send(OutboxMessage.of(TOPIC, "a", new byte[] {(byte) i})));
            b.add(outbox.send(OutboxMessage.of(TOPIC, "b", new byte[] {(byte) i})));
          }
          return null;
        });
    UUID refused = a.get(0);
    publisher.failWhen(m -> m.id().equals(refused));
    List<Instant> retries = new ArrayList<>();
    OutboxRelay relay =
        relayBuilder(publisher)
            .listener(
                new OutboxRelayListener() {
                  @Override
                  public void publishFailed(OutboxEnvelope message, Exception failure, Instant nextAttemptAt) {
                    retries.add(nextAttemptAt);
                  }
                })
            .build();
    relays.add(relay);

    assertThat(relay.runOnce()).isEqualTo(new OutboxRelay.Batch(6, 3, 1, 2));
    assertThat(publisher.publishedIds()).containsExactlyElementsIn(b).inOrder();
    assertThat(retries).containsExactly(clock.instant().plusSeconds(1));
    assertThat(lastError(refused)).contains("in-memory broker refused message " + refused);

    // Before its retry time the key stays back, even though the broker is fine again.
    publisher.recover();
    assertThat(relay.runOnce()).isEqualTo(new OutboxRelay.Batch(0, 0, 0, 0));

    clock.advance(Duration.ofSeconds(1));
    assertThat(relay.runOnce()).isEqualTo(new OutboxRelay.Batch(3, 3, 0, 0));
    List<UUID> expected = new ArrayList<>(b);
    expected.addAll(a);
    assertThat(publisher.publishedIds()).containsExactlyElementsIn(expected).inOrder();
    assertThat(publisher.published().get(3).attempt()).isEqualTo(2);
    assertThat(outbox.countUnsent()).isEqualTo(0);
  }

  @Test
  void repeatedFailures_backOffExponentially_uptoTheCap_thenRecover() throws Exception {
    UUID id = inTransaction(() -> outbox.send(OutboxMessage.of(TOPIC, "k", new byte[] {1})));
    publisher.failAll();
    List<Duration> delays = new ArrayList<>();
    OutboxRelay relay =
        relayBuilder(publisher)
            .listener(
                new OutboxRelayListener() {
                  @Override
                  public void publishFailed(OutboxEnvelope message, Exception failure, Instant nextAttemptAt) {
                    delays.add(Duration.between(clock.instant(), nextAttemptAt));
                  }
                })
            .build();
    relays.add(relay);

    for (int i = 0; i < 6; i++) {
      assertThat(relay.runOnce().failed()).isEqualTo(1);
      assertThat(relay.runOnce().selected()).isEqualTo(0); // not due yet
      clock.advance(delays.get(i));
    }
    assertThat(delays)
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(8),
            Duration.ofSeconds(8),
            Duration.ofSeconds(8))
        .inOrder();

    publisher.recover();
    assertThat(relay.runOnce().published()).isEqualTo(1);
    assertThat(publisher.published().get(0).id()).isEqualTo(id);
    assertThat(publisher.published().get(0).attempt()).isEqualTo(7);
    assertThat(publisher.attempts()).isEqualTo(7);
    assertThat(lastError(id)).isNull();
  }

  @Test
  void aRelayCrashBetweenPublishAndMark_publishesAgainWithTheSameId() throws Exception {
    UUID first = inTransaction(() -> outbox.send(OutboxMessage.of(TOPIC, "k", new byte[] {1})));
    UUID second = inTransaction(() -> outbox.send(OutboxMessage.of(TOPIC, "k", new byte[] {2})));
    MessagePublisher crashingAfterTheSecond =
        message -> {
          publisher.publish(message);
          if (message.id().equals(second)) {
            throw new SimulatedCrash();
          }
        };

    assertThrows(SimulatedCrash.class, () -> relay(crashingAfterTheSecond).runOnce());
    assertThat(outbox.countUnsent()).isEqualTo(2); // the batch never committed

    relay(publisher).runOnce();
    assertThat(publisher.publishedIds()).containsExactly(first, second, first, second).inOrder();
    assertThat(publisher.published().get(2).attempt()).isEqualTo(1); // the crash recorded nothing
    assertThat(outbox.countUnsent()).isEqualTo(0);
  }

  @Test
  void purge_deletesSentRowsPastTheRetention_inBoundedBatches_andNeverUnsentOnes() throws Exception {
    inTransaction(
        () -> {
          for (int i = 0; i < 5; i++) {
            outbox.send(OutboxMessage.of(TOPIC, "k" + i, new byte[] {1}));
          }
          return null;
        });
    OutboxRelay relay = relayBuilder(publisher).retention(Duration.ofHours(1)).purgeBatches(2, 2).build();
    relays.add(relay);
    relay.runOnce();
    clock.advance(Duration.ofMinutes(30));
    inTransaction(() -> outbox.send(OutboxMessage.of(TOPIC, "late", new byte[] {1})));
    inTransaction(() -> outbox.send(OutboxMessage.of(TOPIC, "unsent", new byte[] {1})));
    publisher.failWhen(m -> m.key().equals("unsent"));
    relay.runOnce();

    assertThat(relay.purgeSent()).isEqualTo(0); // nothing is an hour old yet
    clock.advance(Duration.ofMinutes(31));
    assertThat(relay.purgeSent()).isEqualTo(4); // two batches of two
    assertThat(relay.purgeSent()).isEqualTo(1);
    assertThat(relay.purgeSent()).isEqualTo(0);
    clock.advance(Duration.ofDays(30));
    assertThat(relay.purgeSent()).isEqualTo(1); // "late"
    assertThat(count("SELECT COUNT(*) FROM idempo_outbox")).isEqualTo(1);
    assertThat(outbox.countUnsent()).isEqualTo(1);
  }

  @Test
  void thePollingRelay_publishes_andCloseWaitsForTheBatchInFlight() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    MessagePublisher blocking =
        message -> {
          entered.countDown();
          assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
          publisher.publish(message);
        };
    UUID id = inTransaction(() -> outbox.send(OutboxMessage.of(TOPIC, "k", new byte[] {1})));
    OutboxRelay relay = relay(blocking);
    relay.start();
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

    AtomicLong unsentWhenCloseReturned = new AtomicLong(-1);
    Thread closer =
        new Thread(
            () -> {
              relay.close();
              unsentWhenCloseReturned.set(outbox.countUnsent());
            });
    closer.start();
    release.countDown();
    closer.join(TimeUnit.SECONDS.toMillis(30));

    assertThat(unsentWhenCloseReturned.get()).isEqualTo(0);
    assertThat(publisher.publishedIds()).containsExactly(id);
    assertThrows(IllegalStateException.class, relay::runOnce);
    assertThrows(IllegalStateException.class, relay::start);
  }

  @Test
  void aBatchStuckPastTheShutdownTimeout_isInterrupted_andItsMessageIsPublishedAgainLater()
      throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    MessagePublisher hanging =
        message -> {
          publisher.publish(message);
          entered.countDown();
          new CountDownLatch(1).await(); // until interrupted
        };
    UUID id = inTransaction(() -> outbox.send(OutboxMessage.of(TOPIC, "k", new byte[] {1})));
    OutboxRelay stuck = relayBuilder(hanging).shutdownTimeout(Duration.ofMillis(100)).build();
    stuck.start();
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
    stuck.close();

    relay(publisher).runOnce();
    assertThat(publisher.publishedIds()).containsExactly(id, id);
    assertThat(outbox.countUnsent()).isEqualTo(0);
  }

  @Test
  void twoRelaysConcurrently_loseNothing_publishNothingTwice_andKeepTheOrderOfEachKey()
      throws Exception {
    int messages = 200;
    Map<String, List<UUID>> sentPerKey = new LinkedHashMap<>();
    for (int t = 0; t < messages / 20; t++) {
      inTransaction(
          () -> {
            for (int i = 0; i < 20; i++) {
              String key = "acct-" + (i % 8);
              UUID id = outbox.send(OutboxMessage.of(TOPIC, key, new byte[] {(byte) i}));
              sentPerKey.computeIfAbsent(key, k -> new ArrayList<>()).add(id);
            }
            return null;
          });
    }
    OutboxRelay one = relayBuilder(publisher).batchSize(7).build();
    OutboxRelay two = relayBuilder(publisher).batchSize(7).build();
    relays.add(one);
    relays.add(two);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      List<Future<Integer>> runs = new ArrayList<>();
      for (OutboxRelay relay : List.of(one, two)) {
        runs.add(
            threads.submit(
                () -> {
                  int batches = 0;
                  while (outbox.countUnsent() > 0) {
                    if (relay.runOnce().selected() == 0) {
                      Thread.sleep(1); // the other relay holds the rest; do not spin
                    }
                    batches++;
                  }
                  return batches;
                }));
      }
      for (Future<Integer> run : runs) {
        run.get(60, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }

    List<OutboxEnvelope> published = publisher.published();
    assertThat(published).hasSize(messages);
    Set<UUID> distinct = new HashSet<>(publisher.publishedIds());
    assertThat(distinct).hasSize(messages);
    Map<String, List<UUID>> publishedPerKey = new HashMap<>();
    for (OutboxEnvelope message : published) {
      publishedPerKey.computeIfAbsent(message.key(), k -> new ArrayList<>()).add(message.id());
    }
    for (Map.Entry<String, List<UUID>> key : sentPerKey.entrySet()) {
      assertThat(publishedPerKey.get(key.getKey())).containsExactlyElementsIn(key.getValue()).inOrder();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // End to end: upstream handler → outbox → relay → at-least-once broker → idempotent consumer

  @Test
  void endToEnd_withCrashesInTheRelayAndTheConsumer_theDownstreamEffectHappensExactlyOnce()
      throws Exception {
    int events = 40;
    // Upstream: every event is delivered twice, and every fifth first delivery fails after sending.
    for (int i = 0; i < events; i++) {
      String event = "evt-" + i;
      String account = "acct-" + (i % 3);
      if (i % 5 == 0) {
        assertThrows(IllegalStateException.class, () -> captureUpstream(event, account, true));
      }
      captureUpstream(event, account, false);
      captureUpstream(event, account, false);
    }
    assertThat(count("SELECT COUNT(*) FROM idempo_outbox")).isEqualTo(events);

    // The broker keeps a message until the consumer acknowledges it.
    List<OutboxEnvelope> broker = new ArrayList<>();
    int[] publishes = {0};
    MessagePublisher crashingRelay =
        message -> {
          synchronized (broker) {
            broker.add(message);
          }
          publisher.publish(message);
          if (++publishes[0] % 7 == 0) {
            throw new SimulatedCrash(); // the relay dies before marking the batch sent
          }
        };
    int relayCrashes = 0;
    int consumerCrashes = 0;
    int unacknowledged = 0;
    int deliveries = 0;
    for (int round = 0; round < 1000 && (outbox.countUnsent() > 0 || !broker.isEmpty()); round++) {
      OutboxRelay relay = relayBuilder(crashingRelay).dialect(expectedDialect()).batchSize(5).build(); // restarted
      try {
        relay.runOnce();
      } catch (SimulatedCrash e) {
        relayCrashes++;
      }
      // The consumer takes messages from the head; a crash leaves the message for redelivery.
      for (int n = 0; n < 4 && !broker.isEmpty(); n++) {
        OutboxEnvelope message = broker.get(0);
        deliveries++;
        int mode = deliveries % 6;
        try {
          consumeDownstream(message, mode == 1);
        } catch (SimulatedCrash e) {
          consumerCrashes++;
          continue; // crashed inside the handler: rolled back, not acknowledged
        }
        if (mode == 2) {
          unacknowledged++;
          continue; // crashed after the commit, before the acknowledgement
        }
        broker.remove(0);
      }
    }

    assertThat(outbox.countUnsent()).isEqualTo(0);
    assertThat(broker).isEmpty();
    assertThat(relayCrashes).isGreaterThan(0);
    assertThat(consumerCrashes).isGreaterThan(0);
    assertThat(unacknowledged).isGreaterThan(0);
    // Duplicates happened upstream of the consumer, always with the same id for the same event.
    assertThat(publisher.published().size()).isGreaterThan(events);
    Map<UUID, String> eventOfId = new HashMap<>();
    for (OutboxEnvelope message : publisher.published()) {
      String event = new String(message.payload(), UTF_8);
      String earlier = eventOfId.putIfAbsent(message.id(), event);
      assertThat(earlier == null || earlier.equals(event)).isTrue();
    }
    assertThat(eventOfId).hasSize(events);
    // Exactly one downstream effect per event.
    assertThat(count("SELECT COUNT(*) FROM ledger")).isEqualTo(events);
    assertThat(count("SELECT COUNT(DISTINCT event_id) FROM ledger")).isEqualTo(events);
    assertThat(count("SELECT COUNT(DISTINCT message_id) FROM ledger")).isEqualTo(events);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /**
   * The upstream handler, as its generated wrapper runs it: claims the event, records the capture
   * and sends {@code PaymentCaptured} through the outbox in the claim's transaction.
   *
   * @return the message id, or null for a duplicate
   */
  UUID captureUpstream(String eventId, String account, boolean failAfterSending) throws SQLException {
    Claim claim = store.claim(UPSTREAM, eventId);
    if (claim.isDuplicate()) {
      return null;
    }
    UUID id;
    try {
      try (Connection connection = store.dataSource().getConnection();
          PreparedStatement insert =
              connection.prepareStatement("INSERT INTO captures (event_id, account) VALUES (?, ?)")) {
        insert.setString(1, eventId);
        insert.setString(2, account);
        insert.executeUpdate();
      }
      id = outbox.send(OutboxMessage.builder(TOPIC, account, eventId.getBytes(UTF_8)).header("event", eventId).build());
      if (failAfterSending) {
        throw new IllegalStateException("handler failed after sending " + id);
      }
    } catch (Throwable failure) {
      claim.release(failure);
      throw failure;
    }
    claim.complete(null);
    return id;
  }

  /** The downstream consumer: dedup by message id, one ledger row per message, same transaction. */
  void consumeDownstream(OutboxEnvelope message, boolean crashBeforeCommit) throws SQLException {
    Claim claim = store.claim(DOWNSTREAM, message.id().toString());
    if (claim.isDuplicate()) {
      return;
    }
    try {
      try (Connection connection = store.dataSource().getConnection();
          PreparedStatement insert =
              connection.prepareStatement("INSERT INTO ledger (message_id, event_id) VALUES (?, ?)")) {
        insert.setString(1, message.id().toString());
        insert.setString(2, new String(message.payload(), UTF_8));
        insert.executeUpdate();
      }
      if (crashBeforeCommit) {
        throw new SimulatedCrash();
      }
    } catch (Throwable failure) {
      claim.release(failure);
      throw failure;
    }
    claim.complete(null);
  }

  /** Runs {@code work} in a transactional claim of a fresh key, as a handler would. */
  <T> T inTransaction(SqlWork<T> work) throws Exception {
    Claim claim = store.claim(HandlerDescriptor.builder("test.work").build(), UUID.randomUUID().toString());
    T result;
    try {
      result = work.run();
    } catch (Throwable failure) {
      claim.release(failure);
      throw failure;
    }
    claim.complete(null);
    return result;
  }

  interface SqlWork<T> {
    T run() throws Exception;
  }

  /** Stands for the process dying: an Error no code path catches as a publish failure. */
  static final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;

    SimulatedCrash() {
      super("simulated crash");
    }
  }

  String lastError(UUID id) throws SQLException {
    try (Connection connection = database.getConnection();
        PreparedStatement query = connection.prepareStatement("SELECT last_error FROM idempo_outbox WHERE message_id = ?")) {
      query.setObject(1, id);
      try (ResultSet row = query.executeQuery()) {
        assertThat(row.next()).isTrue();
        return row.getString(1);
      }
    }
  }

  long count(String sql) throws SQLException {
    try (Connection connection = database.getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getLong(1);
    }
  }

  void execute(String sql) throws SQLException {
    try (Connection connection = database.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
