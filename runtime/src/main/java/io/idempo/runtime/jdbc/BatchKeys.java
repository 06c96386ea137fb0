package io.idempo.runtime.jdbc;

import io.idempo.runtime.HandlerDescriptor;
import io.idempo.runtime.StoredKeys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The keys of one batch of messages as a store claims them: each message's stored key (see {@link
 * StoredKeys}), each distinct one once, in the fixed order in which every batch claims its keys
 * (their natural order), and the index of the first message of each. Immutable.
 */
final class BatchKeys {

  private final int size;
  private final String[] sorted;
  /** Stored key to the first message that has it, in the batch's order. */
  private final Map<String, Integer> firstIndex;
  /** The messages' keys, for error messages. */
  private final List<String> keys;

  private BatchKeys(List<String> keys, Map<String, Integer> firstIndex) {
    this.size = keys.size();
    this.firstIndex = firstIndex;
    this.keys = keys;
    this.sorted = firstIndex.keySet().toArray(new String[0]);
    Arrays.sort(this.sorted);
  }

  /**
   * The batch of {@code keys}, one per message.
   *
   * @throws io.idempo.runtime.IdempotencyKeyException if a key is null, blank or not well-formed
   */
  static BatchKeys of(HandlerDescriptor handler, List<String> keys) {
    Objects.requireNonNull(keys, "keys");
    Map<String, Integer> firstIndex = new LinkedHashMap<>(keys.size() * 4 / 3 + 1);
    for (int i = 0; i < keys.size(); i++) {
      firstIndex.putIfAbsent(StoredKeys.storedKey(handler, keys.get(i)), i);
    }
    return new BatchKeys(keys, firstIndex);
  }

  /** The number of messages, repeated keys included. */
  int size() {
    return size;
  }

  /** The distinct stored keys in claiming order. A new array on every call. */
  String[] sorted() {
    return sorted.clone();
  }

  /** The distinct stored keys in the order of their first message. */
  Collection<String> inBatchOrder() {
    return firstIndex.keySet();
  }

  /** The message's key behind {@code storedKey}. */
  String keyOf(String storedKey) {
    return keys.get(firstIndex.get(storedKey));
  }

  /** The first message of each of {@code storedKeys}, as indexes. */
  BitSet firstIndexes(Collection<String> storedKeys) {
    BitSet indexes = new BitSet(size);
    for (String key : storedKeys) {
      indexes.set(firstIndex.get(key));
    }
    return indexes;
  }

  /** Of {@code storedKeys}, those in the order of their first message. */
  String[] inBatchOrder(Collection<String> storedKeys) {
    List<String> ordered = new ArrayList<>(storedKeys.size());
    for (String key : firstIndex.keySet()) {
      if (storedKeys.contains(key)) {
        ordered.add(key);
      }
    }
    return ordered.toArray(new String[0]);
  }

  /** A few of the batch's keys, for messages: "'a', 'b', 'c' and 97 more". */
  String describe() {
    StringBuilder text = new StringBuilder();
    int shown = 0;
    for (String stored : firstIndex.keySet()) {
      if (shown == 3) {
        text.append(" and ").append(firstIndex.size() - shown).append(" more");
        break;
      }
      text.append(shown == 0 ? "'" : ", '")
          .append(ClaimFailures.abbreviate(keyOf(stored)))
          .append('\'');
      shown++;
    }
    return text.toString();
  }
}
