package io.idempo.spring.app;

/** A checked exception of the ledger handlers; Spring's default rules would commit on it. */
public class LedgerException extends Exception {
  private static final long serialVersionUID = 1L;

  public LedgerException(String message) {
    super(message);
  }
}
