package io.idempo.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One record: a claim in progress, then a completed record. The maps compare records by
 * identity, so a claim only ever completes or removes the record it created.
 */
final class MemoryRecord {
  static final int IN_PROGRESS = 0;
  static final int COMPLETED = 1;
  static final int ABANDONED = 2;

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(MemoryRecord.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** An expiry that never comes. */
  static final long NEVER = Long.MAX_VALUE;

  final ConcurrentHashMap<String, MemoryRecord> records;
  final String storedKey;

  /** End of the lease in epoch millis (lease mode), or NEVER. */
  final long leaseEnd;

  /** The payload fingerprint of the delivery that created the record, or null. */
  final PayloadFingerprint fingerprint;

  // Written once by the completing thread before state becomes COMPLETED; read after it is.
  byte[] result;
  long completedAt;

  /** End of the ttl in epoch millis; NEVER until completed. */
  long expiresAt = NEVER;

  /** IN_PROGRESS, then COMPLETED (by its claim) or ABANDONED (by a takeover after the lease). */
  volatile int state = IN_PROGRESS;

  /** A claim without a payload fingerprint. */
  MemoryRecord(ConcurrentHashMap<String, MemoryRecord> records, String storedKey, long leaseEnd) {
    this(records, storedKey, leaseEnd, null);
  }

  MemoryRecord(
      ConcurrentHashMap<String, MemoryRecord> records,
      String storedKey,
      long leaseEnd,
      PayloadFingerprint fingerprint) {
    this.records = records;
    this.storedKey = storedKey;
    this.leaseEnd = leaseEnd;
    this.fingerprint = fingerprint;
  }

  boolean complete(byte[] result, long completedAt, Duration ttl) {
    this.result = result;
    this.completedAt = completedAt;
    this.expiresAt = plus(completedAt, ttl);
    return STATE.compareAndSet(this, IN_PROGRESS, COMPLETED);
  }

  boolean abandon() {
    return STATE.compareAndSet(this, IN_PROGRESS, ABANDONED);
  }

  /**
   * Removes this record from its map, unless another delivery has taken its key over since it
   * expired (the new record then holds its room).
   */
  boolean remove() {
    return records.remove(storedKey, this);
  }

  /** {@code millis + duration}, rounded up to the millisecond, or {@link #NEVER} on overflow. */
  static long plus(long millis, Duration duration) {
    try {
      long durationMillis = duration.toMillis();
      if (duration.toNanosPart() % 1_000_000 != 0) {
        durationMillis = Math.addExact(durationMillis, 1);
      }
      return Math.addExact(millis, durationMillis);
    } catch (ArithmeticException e) {
      return NEVER;
    }
  }
}
