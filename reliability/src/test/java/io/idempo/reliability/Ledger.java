package io.idempo.reliability;

import static com.google.common.truth.Truth.assertWithMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import javax.sql.DataSource;

/** Checks the effect tables against the exactly-once expectation, and records the figures. */
final class Ledger {

  private Ledger() {}

  static long count(DataSource db, String sql) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement(sql);
        ResultSet r = s.executeQuery()) {
      r.next();
      return r.getLong(1);
    }
  }

  /** Nothing lost: every delivery was acknowledged. */
  static void assertNothingLost(DataSource db) throws SQLException {
    assertWithMessage("unacknowledged deliveries (lost messages)")
        .that(count(db, "SELECT count(*) FROM broker WHERE NOT acked"))
        .isEqualTo(0);
  }

  /**
   * Transactional mode: every event applied exactly once, balances as expected, every acknowledged
   * delivery (first or duplicate) got the result that was committed with the effect.
   */
  static void assertExactlyOnce(DataSource db, Stream stream, String handlerName) throws SQLException {
    assertExactlyOnceEffects(db, stream, handlerName);
    assertWithMessage("acknowledged deliveries whose result differs from the committed one")
        .that(
            count(
                db,
                "SELECT count(*) FROM broker b JOIN applied a ON a.event_id = b.event_id"
                    + " WHERE b.ack_result <> a.balance_after"))
        .isEqualTo(0);
  }

  /**
   * Every event applied exactly once, balances as expected, one completed record per event, and
   * nothing lost; for a handler without results to replay (a batch handler).
   */
  static void assertExactlyOnceEffects(DataSource db, Stream stream, String handlerName)
      throws SQLException {
    assertNothingLost(db);
    assertWithMessage("events applied more than once (double effects)")
        .that(
            count(
                db,
                "SELECT count(*) FROM (SELECT event_id FROM applied GROUP BY event_id"
                    + " HAVING count(*) > 1) d"))
        .isEqualTo(0);
    assertWithMessage("distinct events applied")
        .that(count(db, "SELECT count(DISTINCT event_id) FROM applied"))
        .isEqualTo(stream.events);
    assertBalances(db, stream);
    assertWithMessage("completed claim records")
        .that(
            count(
                db,
                "SELECT count(*) FROM idempo_claims WHERE handler_name = '"
                    + handlerName
                    + "' AND status = 'COMPLETED'"))
        .isEqualTo(stream.events);
  }

  /**
   * Lease mode: at least once, and a second application only where a consumer was killed after the
   * effect and before the completion was recorded (lease mode's documented trade-off). Returns the
   * number of such re-runs.
   */
  static long assertAtLeastOnceRerunsOnlyAfterKills(
      DataSource db, Stream stream, Set<String> killed, int threads) throws SQLException {
    assertNothingLost(db);
    assertWithMessage("distinct events applied")
        .that(count(db, "SELECT count(DISTINCT event_id) FROM applied"))
        .isEqualTo(stream.events);
    long reruns = count(db, "SELECT count(*) - count(DISTINCT event_id) FROM applied");
    assertWithMessage("re-runs exceed what the kills can explain (at most one per thread per kill)")
        .that(reruns)
        .isAtMost((long) killed.size() * threads);
    // Of the applications of one event, all but the last must come from a killed process.
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT event_id, incarnation FROM applied WHERE event_id IN (SELECT event_id"
                    + " FROM applied GROUP BY event_id HAVING count(*) > 1)"
                    + " ORDER BY event_id, balance_after");
        ResultSet r = s.executeQuery()) {
      String previousEvent = null;
      String previousRun = null;
      while (r.next()) {
        String event = r.getString(1);
        if (event.equals(previousEvent)) {
          assertWithMessage(
                  "event %s ran again although process %s was not killed", event, previousRun)
              .that(killed)
              .contains(previousRun);
        }
        previousEvent = event;
        previousRun = r.getString(2);
      }
    }
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT id, balance FROM account ORDER BY id");
        ResultSet r = s.executeQuery()) {
      long total = 0;
      while (r.next()) {
        total += r.getLong(2);
      }
      assertWithMessage("balances equal the sum of applied rows")
          .that(total)
          .isEqualTo(count(db, "SELECT coalesce(sum(amount), 0) FROM applied"));
    }
    assertWithMessage("acknowledged deliveries whose result is not one a run produced")
        .that(
            count(
                db,
                "SELECT count(*) FROM broker b WHERE NOT EXISTS (SELECT 1 FROM applied a"
                    + " WHERE a.event_id = b.event_id AND a.balance_after = b.ack_result)"))
        .isEqualTo(0);
    return reruns;
  }

  static void assertBalances(DataSource db, Stream stream) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT id, balance FROM account ORDER BY id");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        assertWithMessage("balance of account %s", r.getInt(1))
            .that(r.getLong(2))
            .isEqualTo(stream.expectedBalance[r.getInt(1)]);
      }
    }
  }

  /** Appends a line of figures to target/reliability-figures.txt (and stdout) for the docs. */
  static void figures(String line) {
    String full = (Sizes.FULL ? "full " : "quick ") + line;
    System.out.println("FIGURES " + full);
    try {
      Files.writeString(
          Path.of("target", "reliability-figures.txt"),
          full + System.lineSeparator(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
