package io.idempo.benchmarks;

import java.util.SplittableRandom;

/**
 * One thread's precomputed stream of message keys: a fixed share are duplicates of keys that the
 * same thread delivered shortly before, the rest are keys never seen before.
 *
 * <p>Keys are built before the measurement, so the benchmark loop only reads an array. A duplicate
 * repeats one of the thread's last {@link #DUPLICATE_WINDOW} fresh keys, so bounded stores (an LRU
 * of at least {@code threads * DUPLICATE_WINDOW} entries) still recognise every duplicate, and a
 * duplicate never races the first delivery of its key on another thread. If a run consumes more
 * keys than were precomputed, the stream continues with keys suffixed by the lap number (built on
 * the fly, so slower) and counts the laps, which the benchmark reports.
 */
public final class KeyStream {

  /** How far back, in fresh keys of the same thread, a duplicate may reach. */
  public static final int DUPLICATE_WINDOW = 1_000;

  private final String[] keys;
  private final boolean[] duplicate;
  private int next;
  private int lap;

  private KeyStream(String[] keys, boolean[] duplicate) {
    this.keys = keys;
    this.duplicate = duplicate;
  }

  /**
   * Builds the stream for thread {@code thread}: {@code size} keys of which a share {@code
   * duplicateShare} (0 to 1) are duplicates, chosen by a random generator seeded with {@code
   * seed}, so every run and every implementation sees the same sequence.
   */
  public static KeyStream create(String prefix, int thread, int size, double duplicateShare, long seed) {
    if (size <= 0) {
      throw new IllegalArgumentException("size must be positive, was " + size);
    }
    if (duplicateShare < 0 || duplicateShare >= 1) {
      throw new IllegalArgumentException("duplicateShare must be in [0, 1), was " + duplicateShare);
    }
    SplittableRandom random = new SplittableRandom(seed * 31 + thread);
    String[] keys = new String[size];
    boolean[] duplicate = new boolean[size];
    String[] recent = new String[DUPLICATE_WINDOW];
    int fresh = 0;
    for (int i = 0; i < size; i++) {
      if (fresh > 0 && random.nextDouble() < duplicateShare) {
        int back = random.nextInt(Math.min(fresh, DUPLICATE_WINDOW));
        keys[i] = recent[(fresh - 1 - back) % DUPLICATE_WINDOW];
        duplicate[i] = true;
      } else {
        String key = prefix + thread + "-" + fresh;
        recent[fresh % DUPLICATE_WINDOW] = key;
        keys[i] = key;
        fresh++;
      }
    }
    return new KeyStream(keys, duplicate);
  }

  /** The next key. */
  public String next() {
    int i = next;
    if (i == keys.length) {
      lap++;
      i = 0;
    }
    next = i + 1;
    String key = keys[i];
    return lap == 0 ? key : key + "~" + lap;
  }

  /** Restarts the stream from its first key (for a store that was emptied). */
  public void rewind() {
    next = 0;
    lap = 0;
  }

  /** How many times the stream wrapped around since the last {@link #rewind}. */
  public int laps() {
    return lap;
  }

  /** The number of precomputed keys. */
  public int size() {
    return keys.length;
  }

  /** Whether the key at {@code index} repeats an earlier one (for tests and counts). */
  public boolean isDuplicate(int index) {
    return duplicate[index];
  }

  /** The key at {@code index} in the first lap (for tests and counts). */
  public String keyAt(int index) {
    return keys[index];
  }
}
