package io.idempo.processor.e2e;

import java.util.UUID;

/** The message of the end-to-end handler; compiled with the tests, used by generated code. */
public record Payment(String id, Customer customer, long cents) {

  /** The paying customer; {@code id} may be null to test null-safe keys. */
  public record Customer(UUID id) {}
}
