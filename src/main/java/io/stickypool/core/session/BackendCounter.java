package io.stickypool.core.session;

import io.stickypool.core.backend.BackendId;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live-session count of one backend, shared by every entry pinned to it (each entry holds a
 * reference to its counter, so a touch on the same backend needs no map lookup).
 *
 * <p>Invariant: the count equals the number of table entries that reference this counter; it
 * changes only while the shard write lock of such an entry is held, through {@link BackendCounters}. A count of {@link #RETIRED} means the
 * counter was dropped from {@link BackendCounters} at zero and must never count again: a writer
 * that finds it retired fetches a fresh counter instead. Reads are lock-free.
 */
final class BackendCounter {
  static final int RETIRED = -1;

  final BackendId id;
  private final AtomicInteger count = new AtomicInteger();
  private final AtomicLong lastSeenMillis = new AtomicLong(Long.MIN_VALUE);

  BackendCounter(BackendId id) {
    this.id = id;
  }

  /** Counts one more entry, unless the counter was retired. */
  boolean tryIncrement() {
    for (int c = count.get(); c != RETIRED; c = count.get()) {
      if (count.compareAndSet(c, c + 1)) {
        return true;
      }
    }
    return false;
  }

  void decrement() {
    count.decrementAndGet();
  }

  /** Retires the counter if it counts nothing; true if it did. */
  boolean tryRetire() {
    return count.compareAndSet(0, RETIRED);
  }

  int count() {
    return Math.max(0, count.get());
  }

  /**
   * Records activity at {@code now}. Writes only when the time moved forward (at most once per
   * millisecond), so event loops touching one backend rarely write the same cache line.
   */
  void seenAt(long now) {
    long last = lastSeenMillis.get();
    while (now > last && !lastSeenMillis.compareAndSet(last, now)) {
      last = lastSeenMillis.get();
    }
  }

  /** Newest activity in epoch millis, or {@link Long#MIN_VALUE} if none was recorded. */
  long lastSeenMillis() {
    return lastSeenMillis.get();
  }
}
