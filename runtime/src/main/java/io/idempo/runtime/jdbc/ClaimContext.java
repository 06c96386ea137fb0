package io.idempo.runtime.jdbc;

import io.idempo.runtime.StoreEvents;
import java.time.Clock;
import javax.sql.DataSource;

/**
 * What the claims of one {@link JdbcIdempotencyStore} share: its database, statements, failure
 * messages, listener, thread binding and clock.
 */
final class ClaimContext {
  final DataSource dataSource;
  final ClaimStatements statements;
  final ClaimFailures failures;
  final StoreEvents events;
  final TransactionBinding binding;
  final Clock clock;

  ClaimContext(
      DataSource dataSource,
      ClaimStatements statements,
      ClaimFailures failures,
      StoreEvents events,
      TransactionBinding binding,
      Clock clock) {
    this.dataSource = dataSource;
    this.statements = statements;
    this.failures = failures;
    this.events = events;
    this.binding = binding;
    this.clock = clock;
  }
}
