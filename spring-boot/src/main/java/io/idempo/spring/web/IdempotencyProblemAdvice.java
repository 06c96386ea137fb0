package io.idempo.spring.web;

import io.idempo.runtime.DuplicateInProgressException;
import io.idempo.runtime.IdempotencyKeyException;
import io.idempo.runtime.IdempotencyKeyReuseException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Duration;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers Idempo's exceptions from controllers as RFC 9457 problem details ({@code
 * application/problem+json}), with a {@code type} per outcome that clients can branch on, a {@code
 * detail} that says what to do, and the key in {@code idempotencyKey} where the client sent one.
 * The handler's name and the store's internals go to the log (DEBUG), not to the client.
 *
 * <ul>
 *   <li>{@link DuplicateInProgressException}: {@code 409 Conflict}, {@value #IN_PROGRESS}, with
 *       {@code Retry-After};
 *   <li>{@link IdempotencyKeyReuseException}: {@code 422 Unprocessable Entity}, {@value #REUSED};
 *   <li>{@link IdempotencyKeyHeaderException}: {@code 400 Bad Request}, {@value #MISSING} or
 *       {@value #MALFORMED};
 *   <li>{@link IdempotencyKeyException} (the key computed from the request is null or blank):
 *       {@code 400 Bad Request}, {@value #MISSING}.
 * </ul>
 *
 * <p>Ordered last, so an application's own {@code @ControllerAdvice} that handles these
 * exceptions (or a supertype) is asked first.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class IdempotencyProblemAdvice {

  /** The problem type of a request whose key an earlier request is still processing. */
  public static final String IN_PROGRESS = "urn:idempo:problem:request-in-progress";

  /** The problem type of a key reused with another request body. */
  public static final String REUSED = "urn:idempo:problem:key-reused";

  /** The problem type of a request without its idempotency key. */
  public static final String MISSING = "urn:idempo:problem:key-missing";

  /** The problem type of a request whose idempotency key is not a valid key. */
  public static final String MALFORMED = "urn:idempo:problem:key-malformed";

  private static final Log log = LogFactory.getLog(IdempotencyProblemAdvice.class);

  private final int maxKeyLength;
  private final long retryAfterSeconds;

  /**
   * Names {@code maxKeyLength} in its answers to a malformed key, and tells a client that finds its
   * key in progress to retry after {@code retryAfter} (rounded up to whole seconds, at least 1).
   */
  public IdempotencyProblemAdvice(int maxKeyLength, Duration retryAfter) {
    this.maxKeyLength = maxKeyLength;
    long seconds = retryAfter.toSeconds() + (retryAfter.toNanosPart() > 0 ? 1 : 0);
    this.retryAfterSeconds = Math.max(1, seconds);
  }

  /** 409: the first request with this key is still running. */
  @ExceptionHandler(DuplicateInProgressException.class)
  public ResponseEntity<ProblemDetail> inProgress(DuplicateInProgressException e) {
    log.debug("answering 409: " + e.getMessage());
    ProblemDetail problem =
        problem(
            HttpStatus.CONFLICT,
            IN_PROGRESS,
            "Request in progress",
            "A request with idempotency key '"
                + e.key()
                + "' is still being processed. Retry with the same key and the same body after"
                + " it completes: the retry gets its response.");
    problem.setProperty("idempotencyKey", e.key());
    return ResponseEntity.status(HttpStatus.CONFLICT)
        .header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds))
        .body(problem);
  }

  /**
   * 422: the key was used before with another request (another fingerprint). The detail gives both
   * ways out without pushing a new key on a retry, which would run the request twice.
   */
  @ExceptionHandler(IdempotencyKeyReuseException.class)
  public ResponseEntity<ProblemDetail> reused(IdempotencyKeyReuseException e) {
    log.debug("answering 422: " + e.getMessage());
    ProblemDetail problem =
        problem(
            HttpStatus.UNPROCESSABLE_CONTENT,
            REUSED,
            "Idempotency key reused",
            "Idempotency key '"
                + e.key()
                + "' was first used with a different request. If this is a retry, send the"
                + " original request unchanged; only a new, different request needs a new key.");
    problem.setProperty("idempotencyKey", e.key());
    return ResponseEntity.status(HttpStatus.UNPROCESSABLE_CONTENT).body(problem);
  }

  /** 400: the key header is missing or malformed. */
  @ExceptionHandler(IdempotencyKeyHeaderException.class)
  public ResponseEntity<ProblemDetail> badHeader(IdempotencyKeyHeaderException e) {
    log.debug("answering 400: " + e.getMessage());
    ProblemDetail problem =
        e.isMissing()
            ? missing(
                "This endpoint requires the "
                    + e.header()
                    + " header: a unique value per request, such as a UUID, sent again"
                    + " unchanged with each retry of that request.")
            : problem(
                HttpStatus.BAD_REQUEST,
                MALFORMED,
                "Idempotency key malformed",
                "The "
                    + e.header()
                    + " header is not a valid key: "
                    + e.problem()
                    + ". A key is 1 to "
                    + maxKeyLength
                    + " printable ASCII characters, such as a UUID.");
    return ResponseEntity.badRequest().body(problem);
  }

  /**
   * 400: the key computed from the request is null or blank. The detail names the header the
   * handler reads its key from, if it does.
   */
  @ExceptionHandler(IdempotencyKeyException.class)
  public ResponseEntity<ProblemDetail> noKey(
      IdempotencyKeyException e, HttpServletRequest request) {
    log.debug("answering 400: " + e.getMessage());
    Object header = request.getAttribute(IdempotencyKeyHeaderCheck.KEY_HEADER_ATTRIBUTE);
    String where =
        header == null ? "where this endpoint documents it" : "in the " + header + " header";
    return ResponseEntity.badRequest()
        .body(
            missing(
                "The request carries no idempotency key. Send a unique value per request, such as"
                    + " a UUID, "
                    + where
                    + ", and the same value with each retry."));
  }

  private static ProblemDetail missing(String detail) {
    return problem(HttpStatus.BAD_REQUEST, MISSING, "Idempotency key missing", detail);
  }

  private static ProblemDetail problem(
      HttpStatus status, String type, String title, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setType(URI.create(type));
    problem.setTitle(title);
    return problem;
  }
}
