package io.idempo.processor.e2e;

import java.math.BigDecimal;
import java.util.List;

/**
 * The request body of the fingerprint end-to-end handler; compiled with the tests, used by
 * generated code. Any part may be null, to test that fingerprints are null-safe.
 */
public record ChargeRequest(BigDecimal amount, Customer customer, List<Line> lines) {

  /** Who pays. */
  public record Customer(String email, String name) {}

  /** One item of the charge. */
  public record Line(String sku, int quantity) {}
}
