package io.idempo.spring.httpadvice;

import io.idempo.spring.web.IdempotencyKeyHeaderException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** An application's own advice for a missing or malformed key, with no {@code @Order}. */
@RestControllerAdvice
public class ApplicationAdvice {

  @ExceptionHandler(IdempotencyKeyHeaderException.class)
  public ResponseEntity<String> badKey(IdempotencyKeyHeaderException e) {
    return ResponseEntity.badRequest().body("our own answer: " + e.getMessage());
  }
}
