package io.idempo.runtime.json;

import io.idempo.runtime.ResultCodec;

/** {@link Jackson3ResultCodec} against the JSON codec contract. */
class Jackson3ResultCodecTest extends JsonResultCodecContract {

  @Override
  <T> ResultCodec<T> codec(JsonResultType<T> type) {
    return Jackson3ResultCodec.of(type);
  }

  @Override
  <T> ResultCodec<T> codec(Class<T> type) {
    return Jackson3ResultCodec.of(type);
  }
}
