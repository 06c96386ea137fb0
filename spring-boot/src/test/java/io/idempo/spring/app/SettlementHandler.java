package io.idempo.spring.app;

import io.idempo.IdempotentHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Writes settlement rows; on PostgreSQL a deferred unique constraint makes two rows for one payment
 * fail at commit, not at the insert.
 */
@Service
public class SettlementHandler {
  private final JdbcTemplate jdbc;

  public SettlementHandler(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @IdempotentHandler(key = "event.paymentId")
  public void settle(PaymentCaptured event, int rows) {
    for (int i = 0; i < rows; i++) {
      jdbc.update("INSERT INTO settlement (payment_id) VALUES (?)", event.paymentId());
    }
  }
}
