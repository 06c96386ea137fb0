package io.idempo.reliability;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SIGKILLs a consumer JVM at random points while it processes a duplicate-heavy stream on
 * PostgreSQL and on MariaDB, restarts it each time, and checks the effect table at the end.
 */
class CrashSuiteTest {

  private static final int THREADS = 4;

  @ParameterizedTest
  @ValueSource(strings = {Databases.POSTGRES, Databases.MARIADB})
  void transactionalModeIsExactlyOnceAcrossKills(String database) throws Exception {
    Run run = crash(database, Consumer.Mode.TRANSACTIONAL, "crash_tx");
    Ledger.assertExactlyOnce(run.db, run.stream, "ledger-transactional");
    Ledger.figures(
        "crash transactional on "
            + database
            + ": deliveries="
            + run.stream.deliveries
            + " duplicates="
            + run.stream.duplicates()
            + " kills="
            + run.killed.size()
            + " redeliveries="
            + run.redeliveries
            + " doubleEffects=0 lost=0");
    run.db.close();
  }

  /** On PostgreSQL: the batch claim statements cover H2 and PostgreSQL. */
  @Test
  void batchesAreExactlyOncePerMessageAcrossKills() throws Exception {
    Run run = crash(Databases.POSTGRES, Consumer.Mode.BATCH, "crash_batch");
    Ledger.assertExactlyOnceEffects(run.db, run.stream, Consumer.BATCH_HANDLER.name());
    Ledger.figures(
        "crash batch (transactional, batches of 10): deliveries="
            + run.stream.deliveries
            + " duplicates="
            + run.stream.duplicates()
            + " kills="
            + run.killed.size()
            + " redeliveries="
            + run.redeliveries
            + " doubleEffects=0 lost=0");
    run.db.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {Databases.POSTGRES, Databases.MARIADB})
  void leaseModeRecoversExpiredLeasesAndRerunsOnlyAfterKills(String database) throws Exception {
    Run run = crash(database, Consumer.Mode.LEASE, "crash_lease");
    long reruns =
        Ledger.assertAtLeastOnceRerunsOnlyAfterKills(run.db, run.stream, run.killed, THREADS);
    long completed =
        Ledger.count(
            run.db,
            "SELECT count(*) FROM idempo_claims WHERE handler_name = 'ledger-lease' AND status = 'COMPLETED'");
    assertWithMessage("completed lease records").that(completed).isEqualTo(run.stream.events);
    Ledger.figures(
        "crash lease on "
            + database
            + ": deliveries="
            + run.stream.deliveries
            + " duplicates="
            + run.stream.duplicates()
            + " kills="
            + run.killed.size()
            + " redeliveries="
            + run.redeliveries
            + " leasesTakenOverAfterExpiry="
            + run.expired
            + " rerunsAfterKill="
            + reruns
            + " lost=0");
    run.db.close();
  }

  private record Run(
      SimplePool db, Stream stream, Set<String> killed, long redeliveries, long expired) {}

  private Run crash(String database, Consumer.Mode mode, String prefix) throws Exception {
    String schema = Databases.fresh(database, prefix);
    String url = Databases.url(database, schema);
    SimplePool db = new SimplePool(url);
    Random random = new Random(Sizes.SEED ^ mode.name().hashCode());
    Stream stream = Stream.publish(db, Sizes.KILLS * 250 + 500, 0.5, random.nextLong());
    Consumer.createClaimsTable(db);
    Path logs = Files.createDirectories(Path.of("target", "consumer-logs", schema));

    Set<String> killed = new LinkedHashSet<>();
    int incarnation = 0;
    while (killed.size() < Sizes.KILLS) {
      String name = "p" + incarnation++;
      long ackedBefore = Ledger.count(db, "SELECT count(*) FROM broker WHERE acked");
      ChildConsumer child = ChildConsumer.start(url, mode, THREADS, name, 1_000, logs);
      assertWithMessage("consumer %s started", name).that(child.awaitStarted(60)).isTrue();
      // Kill at a random point: after a random amount of progress, plus a random sub-delay.
      long progress = 50L + random.nextInt(350);
      while (child.isAlive()
          && Ledger.count(db, "SELECT count(*) FROM broker WHERE acked") < ackedBefore + progress) {
        Thread.sleep(5);
      }
      Thread.sleep(random.nextInt(40));
      assertWithMessage("the stream is sized so that consumer %s is still working", name)
          .that(child.isAlive())
          .isTrue();
      child.kill();
      killed.add(name);
    }
    ChildConsumer last = ChildConsumer.start(url, mode, THREADS, "p" + incarnation, 1_000, logs);
    assertWithMessage("the last consumer drains the stream and exits normally")
        .that(last.awaitExit(600))
        .isEqualTo(0);
    long redeliveries =
        Ledger.count(db, "SELECT coalesce(sum(deliveries), 0) FROM broker") - stream.deliveries;
    assertThat(redeliveries).isAtLeast(1L);
    return new Run(db, stream, killed, redeliveries, last.stat("expired"));
  }
}
