package io.idempo.runtime.json;

import io.idempo.runtime.ResultCodec;

/** {@link Jackson2ResultCodec} against the JSON codec contract. */
class Jackson2ResultCodecTest extends JsonResultCodecContract {

  @Override
  <T> ResultCodec<T> codec(JsonResultType<T> type) {
    return Jackson2ResultCodec.of(type);
  }

  @Override
  <T> ResultCodec<T> codec(Class<T> type) {
    return Jackson2ResultCodec.of(type);
  }
}
