package io.idempo.runtime;

import java.util.List;

/**
 * The record of which messages a handler has already processed, and the protocol around it.
 *
 * <p>Generated wrappers call {@link #claim} once per delivery, then exactly one of {@link
 * Claim#complete} or {@link Claim#release} on the returned claim, unless it is a duplicate:
 *
 * <pre>{@code
 * Claim claim = store.claim(HANDLER, key);
 * if (claim.isDuplicate()) {
 *   return CODEC.decode(claim.replayedResult());
 * }
 * Receipt result;
 * byte[] encoded;
 * try {
 *   result = super.capture(event);
 *   encoded = CODEC.encode(result);
 * } catch (Throwable failure) {
 *   claim.release(failure);
 *   throw failure;
 * }
 * claim.complete(encoded);
 * return result;
 * }</pre>
 *
 * <p>Every store gives the same semantics:
 *
 * <ul>
 *   <li>the first delivery of {@code (handler name, key)} gets an acquired claim; completing it
 *       records the encoded result;
 *   <li>a later delivery gets a duplicate claim carrying that result;
 *   <li>releasing a claim (the handler threw) leaves no record, so the next delivery is a first
 *       delivery again;
 *   <li>a delivery that arrives while another holds the claim never gets a second acquired claim:
 *       it gets {@link DuplicateInProgressException} (retryable), or, if the store is configured
 *       to wait, the first delivery's outcome;
 *   <li>a completed record older than the handler's {@link HandlerDescriptor#ttl() ttl} counts as
 *       absent;
 *   <li>a delivery that {@linkplain #claim(HandlerDescriptor, String, PayloadFingerprint) carries
 *       a payload fingerprint} and finds a completed record kept with another one gets neither the
 *       claim nor the result, but {@link IdempotencyKeyReuseException}.
 * </ul>
 *
 * <p>Implementations are thread-safe. A claim belongs to the thread that made it.
 */
public interface IdempotencyStore {

  /**
   * Claims {@code key} for {@code handler}.
   *
   * @return an acquired claim, which the caller must complete or release exactly once, or a
   *     duplicate claim with the recorded result
   * @throws IdempotencyKeyException if {@code key} is null or blank
   * @throws DuplicateInProgressException if another delivery of the same key holds the claim
   * @throws IdempotencyStoreException if the store cannot be reached
   */
  Claim claim(HandlerDescriptor handler, String key);

  /**
   * Claims {@code key} for {@code handler}, keeping {@code fingerprint}, the digest of the
   * message's content, with it. A delivery that finds a completed record of the key with another
   * fingerprint gets neither the claim nor the recorded result: the store reports {@link
   * IdempotencyListener#keyReused} and throws {@link IdempotencyKeyReuseException}. A record kept
   * without a fingerprint (written before the handler named one) matches any fingerprint. A null
   * {@code fingerprint} is {@link #claim(HandlerDescriptor, String)}.
   *
   * <p>Everything else is as for {@link #claim(HandlerDescriptor, String)}: a claim in progress
   * follows the in-flight rules whatever its fingerprint (a delivery that waited for it compares
   * fingerprints once it completed), and a released claim or an expired record is taken over, the
   * new record keeping the new fingerprint. The record a reused key finds stays as it was.
   *
   * <p>The default accepts only a null fingerprint; the stores Idempo ships override it.
   *
   * @throws IdempotencyKeyReuseException if the key's completed record has another fingerprint
   * @throws UnsupportedOperationException if the store keeps no fingerprints and one is given
   */
  default Claim claim(HandlerDescriptor handler, String key, PayloadFingerprint fingerprint) {
    if (fingerprint == null) {
      return claim(handler, key);
    }
    throw new UnsupportedOperationException(
        getClass().getName()
            + " keeps no payload fingerprints, but handler "
            + handler.name()
            + " names one ("
            + handler.fingerprintPaths()
            + "); use a store that keeps them, or remove the handler's fingerprint");
  }

  /**
   * Claims the keys of a batch of messages for {@code handler}, one key per message in the batch's
   * order. A key repeated inside the batch counts once: only its first message can be acquired.
   * The returned claim says which messages were acquired; the caller completes or releases it
   * exactly once, also when nothing was acquired.
   *
   * <p>If a key is held by a delivery still running, the batch follows the same rule as a single
   * claim ({@link DuplicateInProgressException}, or a wait if the store waits) and, if it gives up,
   * acquires nothing. Batches with overlapping keys never deadlock.
   *
   * <p>The default claims key by key in the keys' natural order, which suits stores whose claims
   * are independent; stores that can claim a batch in one step override it.
   *
   * @throws IdempotencyKeyException if a key is null or blank
   * @throws DuplicateInProgressException if another delivery holds one of the keys
   * @throws IdempotencyStoreException if the store cannot be reached
   */
  default BatchClaim claimBatch(HandlerDescriptor handler, List<String> keys) {
    return ClaimByClaimBatch.claim(this, handler, keys);
  }
}
