package io.idempo.processor.e2e;

import io.idempo.IdempotencyKey;
import io.idempo.IdempotentHandler;

public class ChargeHandler implements ChargeApi {
  private int runs;

  @IdempotentHandler(fingerprint = "request")
  @Override
  public String charge(@IdempotencyKey String idempotencyKey, ChargeRequest request) {
    runs++;
    return "charge " + idempotencyKey + " from run " + runs;
  }

  @IdempotentHandler(name = "e2e-quote", fingerprint = {"request.customer.email", "request.amount"})
  @Override
  public void quote(@IdempotencyKey String idempotencyKey, ChargeRequest request) {
    runs++;
  }

  @Override
  public int runs() {
    return runs;
  }
}
