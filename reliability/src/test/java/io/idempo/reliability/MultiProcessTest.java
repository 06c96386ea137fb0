package io.idempo.reliability;

import static com.google.common.truth.Truth.assertWithMessage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Three consumer JVMs with four threads each on one database (PostgreSQL, MariaDB) and one stream
 * with 30% duplicates, shuffled so that duplicates arrive out of order and concurrently on
 * different processes.
 */
class MultiProcessTest {

  private static final int PROCESSES = 3;
  private static final int THREADS = 4;

  @ParameterizedTest
  @ValueSource(strings = {Databases.POSTGRES, Databases.MARIADB})
  void everyEventIsAppliedExactlyOnce(String database) throws Exception {
    String schema = Databases.fresh(database, "multi");
    String url = Databases.url(database, schema);
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
          "multi-process on "
              + database
              + " "
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
