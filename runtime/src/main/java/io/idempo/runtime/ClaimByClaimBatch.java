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
 * other in a cycle. Right for stores whose claims are independent of each other (not for a store
 * that binds one transaction to the claiming thread).
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
      for (Claim claim : claims) {
        claim.release(failure);
      }
      throw failure;
    }
    return new ClaimByClaimBatch(keys.size(), acquired, claims);
  }

  @Override
  protected void recordCompletion() {
    for (Claim claim : acquiredClaims) {
      claim.complete(null);
    }
  }

  @Override
  protected void discard(Throwable failure) {
    for (Claim claim : acquiredClaims) {
      claim.release(failure);
    }
  }
}
