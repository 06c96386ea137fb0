package com.acme.payments;

import io.idempo.IdempotencyKey;
import io.idempo.IdempotentHandler;
import java.util.ArrayList;
import java.util.List;

public class PaymentsApi {
  private final List<String> charged = new ArrayList<>();

  @IdempotentHandler(fingerprint = "request")
  public String charge(@IdempotencyKey String idempotencyKey, ChargeRequest request) {
    charged.add(idempotencyKey);
    return "ch_" + charged.size();
  }

  @IdempotentHandler(
      key = "refund.chargeId",
      fingerprint = {"refund.amount", "refund.note", "refund.tags"})
  public void refund(Refund refund) {
    charged.remove(refund.getChargeId());
  }
}
