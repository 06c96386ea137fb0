package io.idempo.reliability;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;

/**
 * A duplicate-heavy stream in a durable "broker" table, and the tables the handler writes. A
 * delivery is one broker row; duplicates are extra rows with the same event id, shuffled into the
 * stream, so they arrive out of order and, with several consumers, at the same time.
 *
 * <p>Consumers lease rows with a visibility timeout: a row leased by a consumer that dies becomes
 * visible again after it, which is the redelivery of an unacknowledged message.
 */
final class Stream {

  static final int ACCOUNTS = 50;

  final int events;
  final int deliveries;
  final long[] expectedBalance = new long[ACCOUNTS];

  private Stream(int events, int deliveries) {
    this.events = events;
    this.deliveries = deliveries;
  }

  /** The number of deliveries that repeat an event already in the stream. */
  int duplicates() {
    return deliveries - events;
  }

  /** Creates the tables in {@code db} (a fresh schema) and publishes the stream. */
  static Stream publish(DataSource db, int events, double duplicateShare, long seed) throws SQLException {
    int duplicates = (int) Math.round(events * duplicateShare / (1 - duplicateShare));
    Stream stream = new Stream(events, events + duplicates);
    Random random = new Random(seed);
    int[] account = new int[events];
    long[] amount = new long[events];
    for (int i = 0; i < events; i++) {
      account[i] = random.nextInt(ACCOUNTS);
      amount[i] = 1L + random.nextInt(1000);
      stream.expectedBalance[account[i]] += amount[i];
    }
    List<Integer> order = new ArrayList<>(stream.deliveries);
    for (int i = 0; i < events; i++) {
      order.add(i);
    }
    for (int i = 0; i < duplicates; i++) {
      order.add(random.nextInt(events));
    }
    Collections.shuffle(order, random);
    try (Connection c = db.getConnection()) {
      boolean mariadb = isMariaDb(c);
      try (Statement s = c.createStatement()) {
        if (mariadb) {
          s.execute(
              "CREATE TABLE broker (seq BIGINT AUTO_INCREMENT PRIMARY KEY,"
                  + " event_id VARCHAR(64) NOT NULL, account INT NOT NULL, amount BIGINT NOT NULL,"
                  + " acked BOOLEAN NOT NULL DEFAULT FALSE,"
                  + " visible_at DATETIME(6) NOT NULL DEFAULT NOW(6),"
                  + " deliveries INT NOT NULL DEFAULT 0, ack_result BIGINT,"
                  + " INDEX broker_pending (acked, seq)) ENGINE = InnoDB");
        } else {
          s.execute(
              "CREATE TABLE broker (seq BIGSERIAL PRIMARY KEY, event_id TEXT NOT NULL,"
                  + " account INT NOT NULL, amount BIGINT NOT NULL,"
                  + " acked BOOLEAN NOT NULL DEFAULT FALSE,"
                  + " visible_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
                  + " deliveries INT NOT NULL DEFAULT 0, ack_result BIGINT)");
          s.execute("CREATE INDEX broker_pending ON broker (seq) WHERE NOT acked");
        }
        s.execute("CREATE TABLE account (id INT PRIMARY KEY, balance BIGINT NOT NULL)");
        // No unique key: a second application of an event is a second row.
        s.execute(
            "CREATE TABLE applied (event_id VARCHAR(64) NOT NULL, account INT NOT NULL,"
                + " amount BIGINT NOT NULL, balance_after BIGINT NOT NULL,"
                + " incarnation VARCHAR(64) NOT NULL)");
      }
      try (PreparedStatement accounts =
          c.prepareStatement("INSERT INTO account (id, balance) VALUES (?, 0)")) {
        for (int id = 0; id < ACCOUNTS; id++) {
          accounts.setInt(1, id);
          accounts.addBatch();
        }
        accounts.executeBatch();
      }
      c.setAutoCommit(false);
      try (PreparedStatement insert =
          c.prepareStatement("INSERT INTO broker (event_id, account, amount) VALUES (?, ?, ?)")) {
        int batch = 0;
        for (int event : order) {
          insert.setString(1, "e-" + event);
          insert.setInt(2, account[event]);
          insert.setLong(3, amount[event]);
          insert.addBatch();
          if (++batch == 5_000) {
            insert.executeBatch();
            batch = 0;
          }
        }
        insert.executeBatch();
      }
      c.commit();
      c.setAutoCommit(true);
      try (Statement s = c.createStatement()) {
        s.execute(mariadb ? "ANALYZE TABLE broker" : "ANALYZE broker");
      }
    }
    return stream;
  }

  /** True if {@code c} is a MariaDB connection (else PostgreSQL). */
  static boolean isMariaDb(Connection c) throws SQLException {
    return "MariaDB".equals(c.getMetaData().getDatabaseProductName());
  }
}
