package io.idempo.reliability;

import static com.google.common.truth.Truth.assertWithMessage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Three consumer JVMs with four threads each on one PostgreSQL and one stream with 30% duplicates,
 * shuffled so that duplicates arrive out of order and concurrently on different processes.
 */
class MultiProcessTest {

  private static final int PROCESSES = 3;
  private static final int THREADS = 4;

  @Test
  void everyEventIsAppliedExactlyOnce() throws Exception {
    String schema = Postgres.freshSchema("multi");
    String url = Postgres.url(schema);
    try (SimplePool db = new SimplePool(url)) {
      Stream stream = Stream.publish(db, Sizes.MULTI_PROCESS_EVENTS, 0.3, Sizes.SEED);
      Consumer.createClaimsTable(db);
      Path logs = Files.createDirectories(Path.of("target", "consumer-logs", schema));
      List<ChildConsumer> children = new ArrayList<>();
      for (int i = 0; i < PROCESSES; i++) {
        children.add(ChildConsumer.start(url, Consumer.Mode.TRANSACTIONAL, THREADS, "m" + i, 0, logs));
      }
      long duplicatesReplayed = 0;
      long inProgress = 0;
      for (ChildConsumer child : children) {
        assertWithMessage("consumer %s exits normally", child.incarnation)
            .that(child.awaitExit(Sizes.FULL ? 3_000 : 300))
            .isEqualTo(0);
        duplicatesReplayed += child.stat("duplicate");
        inProgress += child.stat("inProgress");
      }
      Ledger.assertExactlyOnce(db, stream, "ledger-transactional");
      long perProcess = 0;
      for (ChildConsumer child : children) {
        perProcess = Math.max(perProcess, child.stat("acked"));
      }
      assertWithMessage("work was shared: no single process acknowledged everything")
          .that(perProcess)
          .isLessThan((long) stream.deliveries);
      Ledger.figures(
          "multi-process "
              + PROCESSES
              + "x"
              + THREADS
              + ": deliveries="
              + stream.deliveries
              + " duplicates="
              + stream.duplicates()
              + " duplicatesReplayed="
              + duplicatesReplayed
              + " inFlightRetries="
              + inProgress
              + " doubleEffects=0 lost=0");
    }
  }
}
