package io.idempo.spring.app;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A ledger row as a JPA entity. */
@Entity
@Table(name = "ledger")
public class LedgerEntry {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @Column(name = "payment_id", nullable = false)
  private String paymentId;

  @Column(name = "amount_cents", nullable = false)
  private long amountCents;

  @Column(name = "source", nullable = false)
  private String source;

  protected LedgerEntry() {}

  public LedgerEntry(String paymentId, long amountCents, String source) {
    this.paymentId = paymentId;
    this.amountCents = amountCents;
    this.source = source;
  }

  public String getPaymentId() {
    return paymentId;
  }
}
