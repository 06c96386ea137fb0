package io.idempo.test;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.runtime.InMemoryIdempotencyStore;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/** The kit on in-memory state: objects by their fields, values by {@code equals}. */
class InMemoryStateTest {

  private static final Payment PAYMENT = new Payment("p-1", "acct-1", 1000);

  /** A handler's in-memory state, in the checker corpus's shapes. */
  static final class Account {
    private final AtomicLong received = new AtomicLong();
    private final LongAdder volume = new LongAdder();
    private BigDecimal balance = BigDecimal.ZERO;
    private final Map<String, Integer> counts = new HashMap<>();
    private String status = "NEW";
    private final Map<String, Long> byPayment = new HashMap<>();
    private final Set<String> processed = new HashSet<>();
  }

  @Test
  void counterBalanceAndMerge_areReported_fieldByField() {
    Account account = new Account();

    NotIdempotentError error =
        assertThrows(
            NotIdempotentError.class,
            () ->
                Redelivery.<Payment>of(
                        p -> {
                          account.received.incrementAndGet();
                          account.volume.add(p.amountCents());
                          account.balance = account.balance.add(BigDecimal.valueOf(p.amountCents(), 2));
                          account.counts.merge(p.account(), 1, Integer::sum);
                        })
                    .observing(ObjectState.fields("account", account))
                    .with(PAYMENT)
                    .assertSameEffectAsOnce());

    assertThat(error)
        .hasMessageThat()
        .isEqualTo(
            "Delivering Payment[id=p-1, account=acct-1, amountCents=1000] twice did not have the"
                + " same effect as delivering it once:\n"
                + "account: 1 row after one delivery and two, not the same:\n"
                + "  ~ received: 1 after one delivery, 2 after two; volume: 1000 after one delivery,"
                + " 2000 after two; balance: 10.00 after one delivery, 20.00 after two; counts:"
                + " {acct-1=1} after one delivery, {acct-1=2} after two");
  }

  @Test
  void listAppend_isReported_byValue() {
    List<String> sent = new ArrayList<>();

    RedeliveryReport report =
        Redelivery.<Payment>of(p -> sent.add(p.id()))
            .observing(ObjectState.value("sent", () -> List.copyOf(sent)))
            .with(PAYMENT)
            .check();

    assertThat(report.message()).contains("~ value: [p-1] after one delivery, [p-1, p-1] after two");
  }

  /** An entity of a repository kept in a map, as a fake repository holds it. */
  static final class Wallet {
    long balance;
    final List<String> notes = new ArrayList<>();
  }

  @Test
  void nestedObjects_areCopiedDeeply_soAnEntityInAMapAndAListInAMap_showTheirChange() {
    Map<String, Wallet> wallets = new HashMap<>();
    wallets.put("w-1", new Wallet());
    Map<String, List<String>> byCustomer = new HashMap<>();

    RedeliveryReport report =
        Redelivery.<Payment>of(
                p -> {
                  Wallet wallet = wallets.get("w-1");
                  wallet.balance += p.amountCents();
                  wallet.notes.add(p.id());
                  byCustomer.computeIfAbsent(p.account(), k -> new ArrayList<>()).add(p.id());
                })
            .observing(ObjectState.value("wallets", () -> wallets), ObjectState.value("byCustomer", () -> byCustomer))
            .with(PAYMENT)
            .check();

    assertThat(report.message())
        .endsWith(
            "wallets: 1 row after one delivery and two, not the same:\n"
                + "  ~ value: {w-1=Wallet{balance=1000, notes=[p-1]}} after one delivery,"
                + " {w-1=Wallet{balance=2000, notes=[p-1, p-1]}} after two\n"
                + "byCustomer: 1 row after one delivery and two, not the same:\n"
                + "  ~ value: {acct-1=[p-1]} after one delivery, {acct-1=[p-1, p-1]} after two");
  }

  @Test
  void transitionsPutsAndSetAdds_pass() {
    Account account = new Account();

    Redelivery.<Payment>of(
            p -> {
              account.status = "PAID";
              account.byPayment.put(p.id(), p.amountCents());
              account.processed.add(p.id());
            })
        .observing(ObjectState.fields("account", account))
        .with(PAYMENT)
        .deliveredTimes(3)
        .assertSameEffectAsOnce();
  }

  @Test
  void rawTally_isReported_andItsWrapperOnTheInMemoryStore_passes() {
    Tally raw = new Tally();
    assertThrows(
        NotIdempotentError.class,
        () ->
            Redelivery.of(raw::count)
                .observing(ObjectState.fields("tally", raw))
                .with(PAYMENT)
                .assertSameEffectAsOnce());

    ClaimLog claims = new ClaimLog();
    InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().listener(claims).build();
    Tally wrapped = new IdempotentTally(store);
    RedeliveryReport report =
        Redelivery.of(wrapped::count)
            .observing(ObjectState.fields("tally", wrapped))
            .watchingClaims(claims)
            .with(PAYMENT)
            .check();

    assertThat(report.sameEffect()).isTrue();
    assertThat(report.wrapper()).isEqualTo(RedeliveryReport.Wrapper.DUPLICATES_SKIPPED);
  }

  @Test
  void rawTally_watched_saysNoClaimWasObserved() {
    Tally raw = new Tally();

    RedeliveryReport report =
        Redelivery.of(raw::count)
            .observing(ObjectState.fields("tally", raw))
            .watchingClaims(new ClaimLog())
            .with(PAYMENT)
            .check();

    assertThat(report.wrapper()).isEqualTo(RedeliveryReport.Wrapper.NO_CLAIMS);
    assertThat(report.message()).endsWith(
        "No Idempo claim was observed: the handler body ran on every delivery. Wrap it"
            + " (@IdempotentHandler) or make the write itself idempotent.");
  }

  @Test
  void tablesOfTwoSourcesWithOneName_areRefused() {
    Account account = new Account();

    IllegalStateException error =
        assertThrows(
            IllegalStateException.class,
            () ->
                Redelivery.<Payment>of(p -> account.status = "PAID")
                    .observing(ObjectState.fields("account", account), ObjectState.value("account", () -> account.status))
                    .with(PAYMENT)
                    .check());

    assertThat(error).hasMessageThat().contains("two state sources read a table named account");
  }

  @Test
  void concurrentAndAfterFailureVariants_needAStartingState() {
    Redelivery<Payment> redelivery =
        Redelivery.<Payment>of(p -> {}).observing(ObjectState.value("nothing", () -> 0));

    IllegalStateException error =
        assertThrows(IllegalStateException.class, () -> redelivery.with(PAYMENT).concurrently(4));

    assertThat(error).hasMessageThat().contains("Redelivery.startingFrom");
  }
}
