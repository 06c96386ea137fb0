package io.idempo.spring.web;

import io.idempo.runtime.ResultCodec;
import org.springframework.http.ResponseEntity;

/** A stand-in for the starter's ResponseEntityCodec, with the factories wrappers call. */
public final class ResponseEntityCodec {
  private ResponseEntityCodec() {}

  public static <B> ResultCodec<ResponseEntity<B>> of(ResultCodec<B> body) {
    return new ResultCodec<ResponseEntity<B>>() {
      @Override
      public byte[] encode(ResponseEntity<B> value) {
        return body.encode(value.getBody());
      }

      @Override
      public ResponseEntity<B> decode(byte[] bytes) {
        return new ResponseEntity<>(body.decode(bytes));
      }
    };
  }

  public static ResultCodec<ResponseEntity<Void>> withoutBody() {
    return new ResultCodec<ResponseEntity<Void>>() {
      @Override
      public byte[] encode(ResponseEntity<Void> value) {
        return new byte[0];
      }

      @Override
      public ResponseEntity<Void> decode(byte[] bytes) {
        return new ResponseEntity<>(null);
      }
    };
  }
}
