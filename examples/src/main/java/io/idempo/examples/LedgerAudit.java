package io.idempo.examples;

import io.idempo.examples.payments.PaymentCaptured;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * What a run did to the ledger, compared event by event with what it should have done: exactly one
 * {@code CAPTURE} entry of the event's amount on the event's account per published event.
 *
 * @param unique distinct events published
 * @param applied ledger entries written (effects applied)
 * @param duplicatesApplied entries beyond the first for an event: double charges
 * @param lost events with no entry at all
 * @param mismatched events whose entries have another account or amount than the event
 * @param unexpected entries for payment ids that were never published
 * @param overchargedCents what the ledger holds beyond the published amounts
 */
record LedgerAudit(
    int unique,
    long applied,
    long duplicatesApplied,
    long lost,
    long mismatched,
    long unexpected,
    long overchargedCents) {

  private static final String ENTRIES_PER_PAYMENT =
      "SELECT payment_id, MIN(account_id), MAX(account_id), COUNT(*), SUM(amount_cents),"
          + " MIN(amount_cents), MAX(amount_cents)"
          + " FROM payment_ledger WHERE entry_type = 'CAPTURE' GROUP BY payment_id";

  /** Whether every event was applied exactly once, with the right account and amount. */
  boolean exactlyOnce() {
    return applied == unique && duplicatesApplied == 0 && lost == 0 && mismatched == 0 && unexpected == 0;
  }

  /** Reads the ledger and compares it with {@code events}. */
  static LedgerAudit of(DataSource dataSource, List<PaymentCaptured> events) throws SQLException {
    Map<String, PaymentCaptured> published = new HashMap<>(events.size() * 2);
    long expectedCents = 0;
    for (PaymentCaptured event : events) {
      published.put(event.paymentId().toString(), event);
      expectedCents += event.amountCents();
    }
    long applied = 0;
    long duplicates = 0;
    long mismatched = 0;
    long unexpected = 0;
    long bookedCents = 0;
    int seen = 0;
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(ENTRIES_PER_PAYMENT);
        ResultSet row = query.executeQuery()) {
      while (row.next()) {
        String paymentId = row.getString(1);
        long count = row.getLong(4);
        bookedCents += row.getLong(5);
        PaymentCaptured event = published.get(paymentId);
        if (event == null) {
          unexpected += count;
          continue;
        }
        seen++;
        applied += count;
        duplicates += count - 1;
        boolean rightAccount =
            event.accountId().equals(row.getString(2)) && event.accountId().equals(row.getString(3));
        boolean rightAmount =
            row.getLong(6) == event.amountCents() && row.getLong(7) == event.amountCents();
        if (!rightAccount || !rightAmount) {
          mismatched++;
        }
      }
    }
    return new LedgerAudit(
        published.size(),
        applied,
        duplicates,
        published.size() - seen,
        mismatched,
        unexpected,
        bookedCents - expectedCents);
  }
}
