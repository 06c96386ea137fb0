package io.idempo.examples.http;

import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code payment} table (see {@code schema.sql}). */
@Repository
public class Payments {

  private final JdbcClient jdbc;

  public Payments(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Inserts {@code payment}, in the caller's transaction. */
  public void insert(Payment payment) {
    jdbc.sql(
            "INSERT INTO payment (id, customer, amount_cents, currency) VALUES (?, ?, ?, ?)")
        .params(payment.id(), payment.customer(), payment.amountCents(), payment.currency())
        .update();
  }

  /** The payment with {@code id}, if there is one. */
  public Optional<Payment> find(String id) {
    return jdbc.sql("SELECT id, customer, amount_cents, currency FROM payment WHERE id = ?")
        .param(id)
        .query(
            (row, n) ->
                new Payment(
                    row.getString("id"),
                    row.getString("customer"),
                    row.getLong("amount_cents"),
                    row.getString("currency")))
        .optional();
  }

  /** How many payments there are. */
  public long count() {
    return jdbc.sql("SELECT COUNT(*) FROM payment").query(Long.class).single();
  }
}
