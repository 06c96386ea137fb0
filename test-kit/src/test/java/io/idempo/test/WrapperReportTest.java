package io.idempo.test;

import static com.google.common.truth.Truth.assertThat;

import io.idempo.runtime.InMemoryIdempotencyStore;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What a report says about the Idempo wrapper, for every decision of its store: the wrapper made
 * the redelivery safe, the handler body did by itself, or neither, and why.
 */
class WrapperReportTest {

  private static final Payment PAYMENT = new Payment("p-1", "acct-1", 1000);

  private final ClaimLog claims = new ClaimLog();
  private final InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().listener(claims).build();

  /** A new delivery id for every delivery, as a broker's would be. */
  private static Marker.Attempt attempt() {
    return new Marker.Attempt(UUID.randomUUID().toString(), "p-1");
  }

  @Test
  void duplicatesSkipped_andTheStateTheSame_theWrapperMadeItSafe() {
    Tally wrapped = new IdempotentTally(store);

    RedeliveryReport report =
        Redelivery.of(wrapped::count).observing(ObjectState.fields("tally", wrapped)).watchingClaims(claims).with(PAYMENT).check();

    assertThat(report.sameEffect()).isTrue();
    assertThat(report.wrapper()).isEqualTo(RedeliveryReport.Wrapper.DUPLICATES_SKIPPED);
    assertThat(report.message())
        .isEqualTo(
            "Delivering Payment[id=p-1, account=acct-1, amountCents=1000] twice had the same effect as"
                + " delivering it once.\n"
                + "The Idempo wrapper made it safe: it recognised the redelivery of tally/p-1 as a"
                + " duplicate and did not run the handler again.");
  }

  @Test
  void duplicatesSkipped_yetTheStateChanged_theChangeWasMadeAroundTheWrapper() {
    Tally wrapped = new IdempotentTally(store);
    AtomicInteger audited = new AtomicInteger();

    RedeliveryReport report =
        Redelivery.<Payment>of(
                p -> {
                  audited.incrementAndGet(); // code around the wrapper, on every delivery
                  wrapped.count(p);
                })
            .observing(ObjectState.fields("tally", wrapped), ObjectState.value("audited", audited::get))
            .watchingClaims(claims)
            .with(PAYMENT)
            .check();

    assertThat(report.sameEffect()).isFalse();
    assertThat(report.changedTables()).containsExactly("audited");
    assertThat(report.wrapper()).isEqualTo(RedeliveryReport.Wrapper.DUPLICATES_SKIPPED);
    assertThat(report.message())
        .endsWith(
            "The Idempo wrapper recognised the redelivery of tally/p-1 as a duplicate and did not run"
                + " the handler, yet the state changed: the change was made outside the claim (on a"
                + " connection that commits on its own, or by code around the handler).");
  }

  @Test
  void claimedAgain_andTheBodyIdempotent_theBodyMadeItSafe() {
    Marker wrapped = new IdempotentMarker(store);

    RedeliveryReport report =
        Redelivery.of(wrapped::mark)
            .observing(ObjectState.fields("marker", wrapped))
            .watchingClaims(claims)
            .withFresh(WrapperReportTest::attempt)
            .check();

    assertThat(report.sameEffect()).isTrue();
    assertThat(report.wrapper()).isEqualTo(RedeliveryReport.Wrapper.CLAIMED_AGAIN);
    assertThat(report.message()).contains("The Idempo wrapper claimed mark/");
    assertThat(report.message())
        .endsWith(" again and the handler body ran again; the body kept the effect the same by itself.");
  }

  @Test
  void claimedAgain_andTheBodyNot_theKeyIsNamedAsTheSuspect() {
    Marker wrapped = new IdempotentMarker(store);

    RedeliveryReport report =
        Redelivery.of(wrapped::append)
            .observing(ObjectState.fields("marker", wrapped))
            .watchingClaims(claims)
            .withFresh(WrapperReportTest::attempt)
            .check();

    assertThat(report.sameEffect()).isFalse();
    assertThat(report.wrapper()).isEqualTo(RedeliveryReport.Wrapper.CLAIMED_AGAIN);
    assertThat(report.message()).contains("appended: [p-1] after one delivery, [p-1, p-1] after two");
    assertThat(report.message()).contains("The Idempo wrapper did not stop the redelivery: it claimed append/");
    assertThat(report.message())
        .endsWith(
            " again and the handler body ran again. Is the key the same for every delivery, and"
                + " longer-lived than the redelivery (ttl)?");
  }

  @Test
  void noClaims_andTheStateTheSame_theBodyIsIdempotentByItself() {
    Marker raw = new Marker();

    RedeliveryReport report =
        Redelivery.of(raw::mark)
            .observing(ObjectState.fields("marker", raw))
            .watchingClaims(claims)
            .withFresh(WrapperReportTest::attempt)
            .check();

    assertThat(report.wrapper()).isEqualTo(RedeliveryReport.Wrapper.NO_CLAIMS);
    assertThat(report.message())
        .endsWith(
            "No Idempo claim was observed: the handler body ran on every delivery and is idempotent by"
                + " itself.");
  }
}
