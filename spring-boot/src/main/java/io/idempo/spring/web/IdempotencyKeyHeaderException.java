package io.idempo.spring.web;

import io.idempo.runtime.IdempotencyException;

/**
 * A request to an idempotent endpoint lacks its idempotency key header, or carries one that is not
 * a valid key; the controller method did not run. {@link IdempotencyProblemAdvice} answers {@code
 * 400 Bad Request}. The client's error: the same request fails the same way.
 */
public final class IdempotencyKeyHeaderException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  private final String header;
  private final String problem;

  private IdempotencyKeyHeaderException(String header, String problem, String message) {
    super(message);
    this.header = header;
    this.problem = problem;
  }

  /** The request has no {@code header}, which {@code endpoint} requires. */
  static IdempotencyKeyHeaderException missing(String header, String endpoint) {
    return new IdempotencyKeyHeaderException(
        header, "", "request to " + endpoint + " has no " + header + " header");
  }

  /** The request's {@code header} is not a valid key: {@code problem} says why. */
  static IdempotencyKeyHeaderException malformed(String header, String endpoint, String problem) {
    return new IdempotencyKeyHeaderException(
        header, problem, "request to " + endpoint + " has a malformed " + header + ": " + problem);
  }

  /** The name of the key header. */
  public String header() {
    return header;
  }

  /** True if the header is missing, false if it is malformed. */
  public boolean isMissing() {
    return problem.isEmpty();
  }

  /** What is wrong with the key, for the client; empty if it is missing. */
  public String problem() {
    return problem;
  }
}
