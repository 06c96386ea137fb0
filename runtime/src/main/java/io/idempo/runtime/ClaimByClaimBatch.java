package io.idempo.runtime;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The batch claim a store gets by default: one {@link IdempotencyStore#claim} per distinct key,
 * taken in the keys' natural order so that two batches with overlapping keys never wait on each
 * other in a cycle. The claims end in the reverse order, the last taken first, so that a store
 * whose claims nest on one thread (a transaction bound to the thread, in which each later claim
 * joins the earlier one) sees every nested claim end before the claim it joined. Stores that can
 * claim a batch in one step override {@link IdempotencyStore#claimBatch} instead.
 */
final class ClaimByClaimBatch extends BatchClaim {

  private final List<Claim> acquiredClaims;

  private ClaimByClaimBatch(int size, BitSet acquired, List<Claim> acquiredClaims) {
    super(size, acquired);
    this.acquiredClaims = acquiredClaims;
  }

  static BatchClaim claim(IdempotencyStore store, HandlerDescriptor handler, List<String> keys) {
    Map<String, Integer> firstIndexByKey = new HashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      if (key == null || key.isBlank()) {
        throw IdempotencyKeyException.blank(handler);
      }
      firstIndexByKey.putIfAbsent(key, i);
    }
    BitSet acquired = new BitSet(keys.size());
    List<Claim> claims = new ArrayList<>();
    try {
      for (Map.Entry<String, Integer> entry : new TreeMap<>(firstIndexByKey).entrySet()) {
        Claim claim = store.claim(handler, entry.getKey());
        if (!claim.isDuplicate()) {
          claims.add(claim);
          acquired.set(entry.getValue());
        }
      }
    } catch (RuntimeException | Error failure) {
      releaseInReverse(claims, failure);
      throw failure;
    }
    return new ClaimByClaimBatch(keys.size(), acquired, claims);
  }

  @Override
  protected void recordCompletion() {
    for (int i = acquiredClaims.size() - 1; i >= 0; i--) {
      acquiredClaims.get(i).complete(null);
    }
  }

  @Override
  protected void discard(Throwable failure) {
    releaseInReverse(acquiredClaims, failure);
  }

  /** Releases {@code claims}, the last taken first. */
  private static void releaseInReverse(List<Claim> claims, Throwable failure) {
    for (int i = claims.size() - 1; i >= 0; i--) {
      claims.get(i).release(failure);
    }
  }
}
