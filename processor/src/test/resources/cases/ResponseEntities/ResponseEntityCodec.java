package io.idempo.spring.web;

import io.idempo.runtime.ResultCodec;
import org.springframework.http.ResponseEntity;

/** A stand-in for the starter's ResponseEntityCodec, with the factories wrappers call. */
public final class ResponseEntityCodec {
  private ResponseEntityCodec() {}

  public static <B> ResultCodec<ResponseEntity<B>> of(ResultCodec<B> body) {
    throw new UnsupportedOperationException(String.valueOf(body));
  }

  public static ResultCodec<ResponseEntity<Void>> withoutBody() {
    throw new UnsupportedOperationException();
  }
}
