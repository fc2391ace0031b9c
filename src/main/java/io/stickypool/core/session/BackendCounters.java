package io.stickypool.core.session;

import io.stickypool.core.backend.BackendId;
import io.stickypool.core.placement.LoadIndex;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live-session counters of every backend that has (or recently had) sessions.
 *
 * <p>Thread-safe. Counters of backends that reach zero sessions are retired by {@link
 * #pruneEmpty()} so that pod churn does not grow the map without bound; see {@link
 * BackendCounter} for why that cannot lose a count.
 *
 * <p>Every change of a count goes through {@link #acquire} or {@link #release}, under the lock of
 * the shard whose entry changed, and is passed on to the placement index in use, if any. The table
 * swaps the index while holding every shard's lock, so each change is either in the counts the new
 * index starts from or reaches it as a delta, never both or neither.
 */
final class BackendCounters {
  private final ConcurrentHashMap<BackendId, BackendCounter> byId = new ConcurrentHashMap<>();
  private volatile LoadIndex index;

  /** Returns the counter of {@code id}, already incremented for one new entry. */
  BackendCounter acquire(BackendId id) {
    while (true) {
      BackendCounter c = byId.computeIfAbsent(id, BackendCounter::new);
      if (c.tryIncrement()) {
        tell(id, 1);
        return c;
      }
      // Retired between lookup and increment: help the pruner drop it, then take a fresh one.
      byId.remove(id, c);
    }
  }

  /** Counts one entry fewer on {@code c}. */
  void release(BackendCounter c) {
    c.decrement();
    tell(c.id, -1);
  }

  private void tell(BackendId id, int delta) {
    LoadIndex i = index;
    if (i != null) {
      i.add(id, delta);
    }
  }

  LoadIndex index() {
    return index;
  }

  /** Only with every shard's write lock held (see the class comment). */
  void useIndex(LoadIndex newIndex) {
    index = newIndex;
  }

  int count(BackendId id) {
    BackendCounter c = byId.get(id);
    return c == null ? 0 : c.count();
  }

  long lastSeenMillis(BackendId id) {
    BackendCounter c = byId.get(id);
    return c == null ? Long.MIN_VALUE : c.lastSeenMillis();
  }

  /** Nonzero counts, sorted by backend id. A moment's view: concurrent touches may move it. */
  SortedMap<BackendId, Integer> nonZero() {
    SortedMap<BackendId, Integer> counts = new TreeMap<>();
    for (BackendCounter c : byId.values()) {
      int n = c.count();
      if (n > 0) {
        counts.put(c.id, n);
      }
    }
    return Collections.unmodifiableSortedMap(counts);
  }

  void pruneEmpty() {
    for (Map.Entry<BackendId, BackendCounter> e : byId.entrySet()) {
      if (e.getValue().tryRetire()) {
        byId.remove(e.getKey(), e.getValue());
      }
    }
  }
}
