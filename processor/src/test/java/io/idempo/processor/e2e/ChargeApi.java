package io.idempo.processor.e2e;

/**
 * What the fingerprint end-to-end test calls on the handler compiled at test time (from {@code
 * src/test/resources/e2e/Charges}) and on its generated wrapper.
 */
public interface ChargeApi {

  /** Keyed by a header-like parameter, fingerprinted by the whole request. */
  String charge(String idempotencyKey, ChargeRequest request);

  /** Fingerprinted by two paths into the request, one through a nested record. */
  void quote(String idempotencyKey, ChargeRequest request);

  /** How often any handler method body ran. */
  int runs();
}
