package io.idempo.test.corpus;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.test.CallRecorder;
import io.idempo.test.ObjectState;
import io.idempo.test.Payment;
import io.idempo.test.Redelivery;
import io.idempo.test.RedeliveryCheck;
import io.idempo.test.RedeliveryReport;
import io.idempo.test.corpus.Shop.Customer;
import io.idempo.test.corpus.Shop.Order;
import io.idempo.test.corpus.Shop.Status;
import io.idempo.test.corpus.Shop.Wallet;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The "done means" of the test kit: every non-idempotent shape of the checker's test corpus
 * ({@code checker/src/test/java/io/idempo/checker}) with in-memory state or sends is reported, and
 * every idempotent look-alike there passes. Each shape is written here as a handler over a {@link
 * Shop}, named after the corpus test it comes from. The SQL shapes run on H2 and PostgreSQL in
 * {@code JdbcRedeliveryContract}.
 */
class CorpusShapesTest {

  private static final Payment PAYMENT = new Payment("p-1", "a-1", 1000);
  private static final BigDecimal PRICE = new BigDecimal("10.00");

  /** Static state, as in {@code InlineMutationTest}'s {@code allTime}. */
  private static long allTime;

  /** A handler over a shop. */
  @FunctionalInterface
  interface Handler<M> {
    void on(Shop shop, M message) throws Exception;
  }

  /** One shape: how to build its check on a new shop, and what a report of it must say. */
  record Shape(String name, Function<Shop, RedeliveryCheck<?>> check, List<String> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** The payment delivered to {@code handler}, the whole shop observed. */
  private static Shape shape(String name, Handler<Payment> handler, String... expected) {
    return new Shape(
        name,
        shop ->
            Redelivery.<Payment>of(p -> handler.on(shop, p))
                .observing(ObjectState.fields("shop", shop))
                .with(PAYMENT),
        List.of(expected));
  }

  /** A new order with {@code status} for each delivery, as a broker deserializes one. */
  private static Shape orderShape(String name, Status status, Handler<Order> handler, String... expected) {
    return new Shape(
        name,
        shop ->
            Redelivery.<Order>of(o -> handler.on(shop, o))
                .observing(ObjectState.fields("shop", shop))
                .withFresh(() -> new Order("o-1", "c-1", PRICE, status)),
        List.of(expected));
  }

  // ---- non-idempotent shapes: reported

  static Stream<Shape> nonIdempotent() {
    return Stream.of(
        shape(
            "InlineMutationTest: compound assignments on fields and array elements",
            (s, p) -> {
              s.totalCaptured += p.amountCents();
              s.perDay[2] += p.amountCents();
              s.rate *= 1.1;
              s.flag ^= true;
            },
            "totalCaptured: 1000 after one delivery, 2000 after two",
            "perDay: [0, 0, 1000, 0, 0, 0, 0] after one delivery, [0, 0, 2000, 0, 0, 0, 0] after two",
            "rate: 1.1 after one delivery, 1.2100000000000002 after two",
            "flag: true after one delivery, false after two"),
        shape("InlineMutationTest: captures++", (s, p) -> s.captures++, "captures: 1 after one delivery, 2 after two"),
        shape("InlineMutationTest: --captures", (s, p) -> --s.captures, "captures: -1 after one delivery, -2 after two"),
        new Shape(
            "InlineMutationTest: static allTime -= …",
            shop -> {
              allTime = 0;
              return Redelivery.<Payment>of(p -> allTime -= p.amountCents())
                  .observing(ObjectState.value("allTime", () -> allTime))
                  .with(PAYMENT);
            },
            List.of("allTime: 1 row after one delivery and two, not the same:\n  ~ value: -1000 after one delivery, -2000 after two")),
        shape(
            "InlineMutationTest: self-assignment and toggles",
            (s, p) -> {
              s.balance = s.balance - p.amountCents();
              s.open = !s.open;
              s.log = s.log + p.id();
            },
            "balance: 0 after one delivery, -1000 after two",
            "open: true after one delivery, false after two",
            "log: p-1 after one delivery, p-1p-1 after two"),
        shape(
            "InlineMutationTest: carried += a total reset earlier in the call",
            (s, p) -> {
              s.batchTotal = 0;
              for (long amount : List.of(p.amountCents(), 1L)) {
                s.batchTotal += amount;
              }
              s.carried += s.batchTotal;
            },
            "carried: 1001 after one delivery, 2002 after two"),
        shape(
            "InlineMutationTest: total += … in a lambda",
            (s, p) -> List.of(p.amountCents()).forEach(a -> s.total += a),
            "total: 1000 after one delivery, 2000 after two"),
        shape(
            "SetterAndCollectionTest: setters fed by their getters, on a loaded entity",
            (s, p) -> {
              Shop.Account account = s.accounts.get("a-1");
              account.points = account.points + 10;
              account.balance = account.balance.subtract(PRICE);
              account.note = account.note + ";" + p.id();
            },
            "accounts: {a-1=Account{points=10, balance=-10.00, status=NEW, note=;p-1, events=[]}} after one"
                + " delivery, {a-1=Account{points=20, balance=-20.00, status=NEW, note=;p-1;p-1, events=[]}}"
                + " after two"),
        shape(
            "SetterAndCollectionTest: atomics and adders",
            (s, p) -> {
              s.received.incrementAndGet();
              s.inFlight.getAndDecrement();
              s.totalAdded.add(p.amountCents());
              s.totalAdded.increment();
              s.volume.add((double) p.amountCents());
              s.sum.addAndGet(p.amountCents());
              s.sum.accumulateAndGet(p.amountCents(), Long::sum);
              s.sum.updateAndGet(v -> v + p.amountCents());
            },
            "received: 1 after one delivery, 2 after two",
            "inFlight: 4 after one delivery, 3 after two",
            "totalAdded: 1001 after one delivery, 2002 after two",
            "volume: 1000.0 after one delivery, 2000.0 after two",
            "sum: 3000 after one delivery, 6000 after two"),
        shape(
            "SetterAndCollectionTest: merge, compute, computeIfPresent, put from the old value",
            (s, p) -> {
              s.totals.merge("sku-1", PRICE, BigDecimal::add);
              s.counts.computeIfPresent("sku-9", (k, v) -> v - 1);
              s.counts.put("sku-2", s.counts.getOrDefault("sku-2", 0) + 3);
              s.counts.compute("sku-3", (k, v) -> v == null ? 1 : v + 1);
            },
            "totals: {sku-1=10.00} after one delivery, {sku-1=20.00} after two",
            "sku-9=4",
            "sku-9=3",
            "sku-2=6",
            "sku-3=2"),
        shape(
            "SetterAndCollectionTest: appends to lasting lists, queues and an entity's list",
            (s, p) -> {
              s.sent.add(p.id());
              s.pending.offer(p.id());
              s.recent.push(p.id());
              s.sent.addAll(List.of("more"));
              s.accounts.get("a-1").events.add(p.id());
              s.byKey.computeIfAbsent(p.id(), k -> new ArrayList<>()).add(p.id());
              Collections.addAll(s.sent, p.id(), p.id());
            },
            "sent: [p-1, more, p-1, p-1] after one delivery, [p-1, more, p-1, p-1, p-1, more, p-1, p-1] after two",
            "pending: [p-1] after one delivery, [p-1, p-1] after two",
            "recent: [p-1] after one delivery, [p-1, p-1] after two",
            "byKey: {p-1=[p-1]} after one delivery, {p-1=[p-1, p-1]} after two",
            "events=[p-1]}} after one delivery",
            "events=[p-1, p-1]}} after two"),
        new Shape(
            "StoreClientAndStreamTest: a store's increment and list push",
            shop -> {
              FakeRedis redis = new FakeRedis();
              return Redelivery.<Payment>of(
                      p -> {
                        redis.increment("count:" + p.account(), 1);
                        redis.set("last:" + p.account(), p.id());
                        redis.rightPush("log:" + p.account(), p.id());
                      })
                  .observing(redis)
                  .with(PAYMENT);
            },
            List.of(
                "~ {key=count:a-1} value: 1 after one delivery, 2 after two",
                "~ {key=log:a-1} value: [p-1] after one delivery, [p-1, p-1] after two")),
        shape(
            "StoreClientAndStreamTest: setters and a method reference over a stream's elements",
            (s, p) -> {
              s.wallets.values().stream().filter(w -> w.available > 0).forEach(w -> w.available = w.available + 1);
              List.of(p.id()).forEach(s.sent::add);
            },
            "available=101",
            "available=102",
            "sent: [p-1] after one delivery, [p-1, p-1] after two"),
        shape(
            "LoadCheckSaveTest: a presence test of a loaded entity guards nothing",
            (s, p) -> s.findWallet("w-1").ifPresent(w -> w.balance = w.balance + p.amountCents()),
            "wallets: {w-1=Wallet{balance=1000, available=100, status=NEW}} after one delivery,"
                + " {w-1=Wallet{balance=2000, available=100, status=NEW}} after two"),
        shape(
            "LoadCheckSaveTest: an early exit on a missing entity guards nothing",
            (s, p) -> {
              Wallet w = s.findWallet("w-1").orElse(null);
              if (w == null) {
                return;
              }
              w.balance = w.balance - p.amountCents();
            },
            "balance=-1000",
            "balance=-2000"),
        orderShape(
            "LoadCheckSaveTest: a test of the message's own status guards nothing",
            Status.NEW,
            (s, order) -> {
              Wallet w = s.findWallet("w-1").orElseThrow();
              if (order.status == Status.NEW) {
                order.status = Status.PAID;
                w.balance = w.balance - 10;
              }
            },
            "balance=-10",
            "balance=-20"),
        shape(
            "LoadCheckSaveTest: a setter fed by the tested state is no move",
            (s, p) -> {
              Wallet c = s.findWallet("w-1").orElseThrow();
              if (10 < c.available) {
                c.available = c.available - 10;
              }
            },
            "available=90",
            "available=80"),
        shape(
            "GuardTest: tests that do not move their state are no guard",
            (s, p) -> {
              if (s.stock >= 1) {
                s.stock -= 1;
              }
              if (s.status == Status.NEW) {
                s.revenue += p.amountCents();
              }
              if (p.amountCents() > 0) {
                s.total += p.amountCents();
              }
            },
            "stock: 9 after one delivery, 8 after two",
            "revenue: 1000 after one delivery, 2000 after two",
            "total: 1000 after one delivery, 2000 after two"),
        orderShape(
            "RealisticConsumersTest: OrderManageService.reserve on the order message",
            Status.NEW,
            (s, order) -> {
              Customer customer = s.findCustomer(order.customerId).orElseThrow();
              customer.amountReserved = customer.amountReserved.add(order.price);
              customer.amountAvailable = customer.amountAvailable.subtract(order.price);
              order.status = Status.ACCEPTED;
            },
            "amountAvailable=90.00, amountReserved=10.00",
            "amountAvailable=80.00, amountReserved=20.00"),
        orderShape(
            "RealisticConsumersTest: OrderManageService.confirm guarded by the message's status",
            Status.ACCEPTED,
            (s, order) -> {
              Customer customer = s.findCustomer(order.customerId).orElseThrow();
              if (order.status == Status.ACCEPTED) {
                order.status = Status.CONFIRMED;
                customer.amountReserved = customer.amountReserved.subtract(order.price);
              }
            },
            "amountReserved=-10.00",
            "amountReserved=-20.00"),
        shape(
            "RealisticConsumersTest: onRefund and onBonus",
            (s, p) -> {
              Customer c = s.findCustomer("c-1").orElseThrow();
              c.amountAvailable = c.amountAvailable.add(PRICE);
              s.findCustomer("c-1").ifPresent(customer -> customer.addPoints(5));
            },
            "amountAvailable=110.00, amountReserved=0, loyaltyPoints=5",
            "amountAvailable=120.00, amountReserved=0, loyaltyPoints=10"),
        shape(
            "SplitReadModifyWriteTest: a write fed by a read through the same object",
            (s, p) -> {
              int level = s.stockLevels.get("sku-1");
              s.stockLevels.put("sku-1", level - 1);
            },
            "stockLevels: {sku-1=9} after one delivery, {sku-1=8} after two"),
        new Shape(
            "UnusualShapesTest: a record's list and a two-dimensional array",
            shop -> {
              Projection projection = new Projection(new ArrayList<>());
              Inner inner = new Inner();
              return Redelivery.<Payment>of(
                      p -> {
                        projection.on(p);
                        inner.on(p);
                      })
                  .observing(ObjectState.fields("projection", projection), ObjectState.fields("inner", inner))
                  .with(PAYMENT);
            },
            List.of(
                "names: [p-1] after one delivery, [p-1, p-1] after two",
                "grid: [[0, 1], [0, 0]] after one delivery, [[0, 2], [0, 0]] after two")),
        new Shape(
            "FlagsTest: a call declared non-idempotent (Mailer.send)",
            shop -> {
              CallRecorder mails = new CallRecorder("mailer");
              Mailer mailer = mails.recording(Mailer.class);
              return Redelivery.<Payment>of(p -> mailer.send("ada@example.com"))
                  .observing(mails)
                  .with(PAYMENT);
            },
            List.of("mailer: 1 row after one delivery, 2 rows after two:\n  + {call=send, args=[ada@example.com]}")));
  }

  /** {@code UnusualShapesTest}'s record handler. */
  record Projection(List<String> names) {
    void on(Payment payment) {
      names().add(payment.id());
    }
  }

  /** {@code UnusualShapesTest}'s inner-class handler. */
  static final class Inner {
    private final int[][] grid = new int[2][2];

    void on(Payment payment) {
      grid[0][1]++;
    }
  }

  /** {@code FlagsTest}'s mailer. */
  interface Mailer {
    void send(String to);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nonIdempotent")
  void nonIdempotentShape_isReported(Shape shape) {
    RedeliveryReport report = shape.check().apply(new Shop()).check();

    assertThat(report.sameEffect()).isFalse();
    for (String expected : shape.expected()) {
      assertThat(report.message()).contains(expected);
    }
  }

  // ---- idempotent shapes: silent

  static Stream<Shape> idempotent() {
    return Stream.of(
        shape(
            "InlineMutationTest: idempotent look-alikes",
            (s, p) -> {
              s.status = Status.PAID;
              s.lastAmount = p.amountCents();
              s.high = Math.max(s.high, p.amountCents());
              s.flags |= 4;
              s.flags &= ~1;
              s.remainder %= 7;
              s.name = " Ada ".trim();
              s.name = s.name.trim();
              long local = 0;
              local += p.amountCents();
              local++;
              int[] counts = new int[3];
              counts[0]++;
              s.lastAmount = local;
            }),
        shape(
            "InlineMutationTest: places reset earlier in the call",
            (s, p) -> {
              s.batchTotal = 0;
              s.sent.clear();
              s.lastSeen.set(0);
              for (long amount : List.of(p.amountCents(), 1L)) {
                s.batchTotal += amount;
                s.sent.add(p.id());
                s.lastSeen.incrementAndGet();
              }
            }),
        shape(
            "InlineMutationTest: objects created during the call",
            (s, p) -> {
              Shop.Account fresh = new Shop.Account();
              fresh.points += p.amountCents();
              fresh.events.add(p.id());
              s.last = fresh;
            }),
        shape(
            "SetterAndCollectionTest: absolute setters",
            (s, p) -> {
              Shop.Account account = s.accounts.get("a-1");
              account.status = Status.PAID;
              account.points = 7;
              account.balance = PRICE.add(BigDecimal.ONE);
              account.note = account.note.trim();
              account.points = Math.max(account.points, 3);
              account.balance = account.balance.max(PRICE);
            }),
        shape(
            "SetterAndCollectionTest: idempotent atomic operations",
            (s, p) -> {
              s.lastSeen.set(p.amountCents());
              s.sum.accumulateAndGet(p.amountCents(), Math::max);
              s.sum.updateAndGet(v -> Math.max(v, p.amountCents()));
              s.received.getAndUpdate(v -> p.amountCents());
              s.state.compareAndSet("NEW", "DONE");
              s.state.getAndSet("DONE");
            }),
        shape(
            "SetterAndCollectionTest: idempotent map writes and set adds",
            (s, p) -> {
              s.latest.put("sku-1", 3);
              s.latest.putIfAbsent("sku-2", 3);
              s.latest.merge("sku-1", 3, Math::max);
              s.latest.merge("sku-1", 3, (a, b) -> b);
              s.latest.compute("sku-1", (k, v) -> v == null ? 3 : v);
              s.latest.computeIfAbsent("sku-3", k -> 3);
              s.latest.remove("old");
              s.seen.add(p.id());
              List<String> scratch = new ArrayList<>();
              scratch.add(p.id());
              s.byKey.put(p.id(), scratch);
            }),
        shape(
            "SetterAndCollectionTest: appends to fresh collections",
            (s, p) -> {
              List<String> lines = new ArrayList<>();
              lines.add(p.id());
              s.tags.add(p.id());
              s.tags.addAll(lines);
              s.last = lines;
            }),
        new Shape(
            "StoreClientAndStreamTest: a store's set",
            shop -> {
              FakeRedis redis = new FakeRedis();
              return Redelivery.<Payment>of(p -> redis.set("last:" + p.account(), p.id()))
                  .observing(redis)
                  .with(PAYMENT);
            },
            List.of()),
        shape(
            "GuardTest: state transitions guard their branch",
            (s, p) -> {
              Order order = s.orders.computeIfAbsent("o-1", id -> new Order(id, "c-1", PRICE, Status.NEW));
              Wallet account = s.wallets.get("w-1");
              if (order.status == Status.NEW) {
                order.status = Status.PAID;
                account.balance = account.balance - p.amountCents();
                s.revenue += p.amountCents();
              }
              if (order.status != Status.SHIPPED) {
                order.status = Status.PAID;
              }
            }),
        shape(
            "GuardTest: early exits by a set and a dedup table",
            (s, p) -> {
              if (s.seen.contains(p.id())) {
                return;
              }
              s.total += p.amountCents();
              s.seen.add(p.id());
              if (s.processed.contains(p.id())) {
                return;
              }
              s.revenue += p.amountCents();
              s.processed.add(p.id());
            }),
        shape(
            "GuardTest: claims in the condition guard the branch",
            (s, p) -> {
              if (s.processed.add(p.id())) {
                s.captures++;
                s.sum.addAndGet(p.amountCents());
              }
              if (s.claimed.putIfAbsent(p.id(), Boolean.TRUE) != null) {
                return;
              }
              s.total += p.amountCents();
            }),
        shape(
            "LoadCheckSaveTest: a dedup row, and a guard on the loaded entity's status",
            (s, p) -> {
              if (!s.processed.contains(p.id())) {
                Wallet w = s.findWallet("w-1").orElseThrow();
                w.balance = w.balance + p.amountCents();
                s.processed.add(p.id());
              }
              Wallet c = s.findWallet("w-1").orElseThrow();
              if (c.status == Status.NEW) {
                c.status = Status.PAID;
                c.available = c.available - 10;
              }
            }),
        shape(
            "RealisticConsumersTest: onPayment (dedup), onPoints (last event), onNote (seen), onHeartbeat",
            (s, p) -> {
              if (!s.processed.contains(p.id())) {
                Customer c = s.findCustomer("c-1").orElseThrow();
                c.amountAvailable = c.amountAvailable.add(PRICE);
                s.processed.add(p.id());
              }
              Customer c = s.findCustomer("c-1").orElseThrow();
              if (!p.id().equals(c.lastEventId)) {
                c.lastEventId = p.id();
                c.addPoints(5);
              }
              if (s.seen.add(p.id())) {
                c.notes.add("note " + p.id());
              }
              s.lastSeenBySource.put(p.account(), p.amountCents());
            }),
        shape(
            "RealisticConsumersTest: onClaimed, a dedup insert whose duplicate is caught",
            (s, p) -> {
              try {
                s.insertProcessed(p.id());
              } catch (IllegalStateException duplicate) {
                return;
              }
              s.findCustomer("c-1").ifPresent(c -> c.addPoints(5));
            }),
        shape(
            "RealisticConsumersTest: onConfirmationById and onRejectedById, guards on loaded orders",
            (s, p) -> {
              Order order = s.orders.computeIfAbsent("o-1", id -> new Order(id, "c-1", PRICE, Status.ACCEPTED));
              Customer customer = s.findCustomer(order.customerId).orElseThrow();
              if (order.status == Status.ACCEPTED) {
                order.status = Status.CONFIRMED;
                customer.amountReserved = customer.amountReserved.subtract(order.price);
              }
              Order other = s.orders.computeIfAbsent("o-2", id -> new Order(id, "c-1", PRICE, Status.NEW));
              if (other.status != Status.NEW) {
                return;
              }
              other.status = Status.REJECTED;
              customer.amountAvailable = customer.amountAvailable.add(other.price);
            }),
        shape(
            "SplitReadModifyWriteTest: an absolute write, and another property",
            (s, p) -> {
              s.stockLevels.put("sku-1", 7);
              s.stockLevels.put("sku-1/total", 3 * s.stockLevels.get("sku-1"));
            }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("idempotent")
  void idempotentShape_passes(Shape shape) {
    shape.check().apply(new Shop()).deliveredTimes(3).assertSameEffectAsOnce();
  }

  // ---- where the kit and the check differ

  @Test
  void aHandlerThatChangesTheMessageObject_isRefused_withTheWayToGiveCopies() {
    Shop shop = new Shop();
    Order order = new Order("o-1", "c-1", PRICE, Status.NEW);

    IllegalStateException error =
        assertThrows(
            IllegalStateException.class,
            () ->
                Redelivery.<Order>of(
                        o -> {
                          if (o.status == Status.NEW) {
                            o.status = Status.PAID;
                            shop.total += 10;
                          }
                        })
                    .observing(ObjectState.fields("shop", shop))
                    .with(order)
                    .check());

    assertThat(error)
        .hasMessageThat()
        .isEqualTo(
            "the first delivery changed the message object itself:"
                + " Order{id=o-1, customerId=c-1, price=10.00, status=NEW} before it,"
                + " Order{id=o-1, customerId=c-1, price=10.00, status=PAID} after it. A broker hands"
                + " every delivery a new copy, so a redelivery of this object is a message no broker"
                + " sends. Give a new copy for each delivery: Redelivery.withFresh(() -> …)");
  }

  @Test
  void aGuardThatThrowsOnTheDuplicate_isReported_thoughTheStateIsTheSame() {
    // GuardTest.byStatus: the check sees a guard; the kit sees a redelivery that throws, which a
    // broker answers with another delivery, and another.
    RedeliveryReport report =
        shape(
                "GuardTest: byStatus",
                (s, p) -> {
                  if (s.status == Status.PAID) {
                    throw new IllegalStateException("already paid");
                  }
                  s.total += p.amountCents();
                  s.status = Status.PAID;
                })
            .check()
            .apply(new Shop())
            .check();

    assertThat(report.sameEffect()).isFalse();
    assertThat(report.changedTables()).isEmpty();
    assertThat(report.message())
        .endsWith(
            "twice left the same state as one delivery, but delivery 2 threw"
                + " java.lang.IllegalStateException: already paid: a broker would deliver it again,"
                + " and again, or dead-letter it.");
  }
}
