package io.idempo.reliability.ledger;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What happens inside the handler after its effect was written and before it returns: nothing in the
 * crash suites; a terminated backend or a statement timeout in the database fault suite.
 */
@FunctionalInterface
public interface Fault {

  /** No fault. */
  Fault NONE = (event, connection) -> {};

  /** Runs on the handler's connection (transactional mode: the claim's transaction). */
  void afterEffect(LedgerEvent event, Connection connection) throws SQLException;
}
