package io.stickypool.core.session;

import io.stickypool.core.backend.BackendId;
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
 */
final class BackendCounters {
  private final ConcurrentHashMap<BackendId, BackendCounter> byId = new ConcurrentHashMap<>();

  /** Returns the counter of {@code id}, already incremented for one new entry. */
  BackendCounter acquire(BackendId id) {
    while (true) {
      BackendCounter c = byId.computeIfAbsent(id, BackendCounter::new);
      if (c.tryIncrement()) {
        return c;
      }
      // Retired between lookup and increment: help the pruner drop it, then take a fresh one.
      byId.remove(id, c);
    }
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
