package io.idempo.spring.app;

import io.idempo.IdempotentHandler;
import org.springframework.stereotype.Service;

/** Writes the ledger through a Spring Data JPA repository. */
@Service
public class JpaLedgerHandler {
  private final LedgerRepository ledger;
  private final Faults faults;

  public JpaLedgerHandler(LedgerRepository ledger, Faults faults) {
    this.ledger = ledger;
    this.faults = faults;
  }

  @IdempotentHandler(key = "event.paymentId")
  public void capture(PaymentCaptured event) throws LedgerException {
    ledger.saveAndFlush(new LedgerEntry(event.paymentId(), event.amountCents(), "jpa"));
    faults.afterWrite(event.paymentId());
  }
}
