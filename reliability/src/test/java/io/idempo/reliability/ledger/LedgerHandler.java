package io.idempo.reliability.ledger;

import io.idempo.IdempotentHandler;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * The handler every reliability consumer runs, compiled by Idempo's processor into {@code
 * IdempotentLedgerHandler}. Its effect is deliberately not idempotent: it adds the amount to a balance
 * and appends a row to {@code applied}, a table without a unique key, so a second run of one event
 * shows up as a second row and a wrong balance.
 */
public class LedgerHandler {

  private final DataSource dataSource;
  private final String incarnation;
  private final Fault fault;
  private final long maxPauseNanos;

  /**
   * @param dataSource the store's {@code dataSource()}, so that transactional-mode statements join
   *     the claim's transaction
   * @param incarnation which consumer process ran the effect, recorded in {@code applied}
   * @param fault what to do after the effect
   * @param maxPauseNanos an upper bound for a random pause inside the handler, which widens the
   *     window in which a kill lands between the effect and the commit
   */
  public LedgerHandler(DataSource dataSource, String incarnation, Fault fault, long maxPauseNanos) {
    this.dataSource = dataSource;
    this.incarnation = incarnation;
    this.fault = fault;
    this.maxPauseNanos = maxPauseNanos;
  }

  /** Transactional mode: the effect and the claim commit together. Returns the new balance. */
  @IdempotentHandler(key = "event.eventId", name = "ledger-transactional")
  public long apply(LedgerEvent event) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      long balance = effect(connection, event);
      pause();
      fault.afterEffect(event, connection);
      return balance;
    }
  }

  /**
   * Lease mode with a two-second lease: the effect commits on its own, before the completion is
   * recorded. Returns the new balance.
   */
  @IdempotentHandler(
      key = "event.eventId",
      name = "ledger-lease",
      mode = IdempotentHandler.Mode.LEASE,
      lease = "PT2S")
  public long applyWithLease(LedgerEvent event) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        long balance = effect(connection, event);
        fault.afterEffect(event, connection);
        connection.commit();
        pause();
        return balance;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }

  /**
   * Transactional batch mode: the effects of the events seen for the first time, in the claim's
   * transaction. The consumer claims the batch with {@code IdempotencyStore.claimBatch} and calls
   * this with the acquired events, as a generated batch wrapper does.
   */
  public void applyAll(java.util.List<LedgerEvent> events) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      for (LedgerEvent event : events) {
        effect(connection, event);
        pause();
        fault.afterEffect(event, connection);
      }
    }
  }

  private long effect(Connection connection, LedgerEvent event) throws SQLException {
    // An update, then a read of the row it locked, on PostgreSQL and MariaDB alike (MariaDB has
    // no UPDATE ... RETURNING); the transaction sees its own update.
    try (PreparedStatement update =
        connection.prepareStatement("UPDATE account SET balance = balance + ? WHERE id = ?")) {
      update.setLong(1, event.amount());
      update.setInt(2, event.account());
      if (update.executeUpdate() != 1) {
        throw new SQLException("no account " + event.account());
      }
    }
    long balance;
    try (PreparedStatement read =
        connection.prepareStatement("SELECT balance FROM account WHERE id = ?")) {
      read.setInt(1, event.account());
      try (ResultSet row = read.executeQuery()) {
        row.next();
        balance = row.getLong(1);
      }
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO applied (event_id, account, amount, balance_after, incarnation)"
                + " VALUES (?, ?, ?, ?, ?)")) {
      insert.setString(1, event.eventId());
      insert.setInt(2, event.account());
      insert.setLong(3, event.amount());
      insert.setLong(4, balance);
      insert.setString(5, incarnation);
      insert.executeUpdate();
    }
    return balance;
  }

  private void pause() {
    if (maxPauseNanos > 0) {
      LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(maxPauseNanos));
    }
  }
}
