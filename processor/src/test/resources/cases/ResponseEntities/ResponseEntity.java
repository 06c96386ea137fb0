package org.springframework.http;

/** A stand-in for Spring's ResponseEntity: the processor refers to it by name only. */
public class ResponseEntity<T> {
  private final T body;

  public ResponseEntity(T body) {
    this.body = body;
  }

  public T getBody() {
    return body;
  }
}
