package io.stickypool.core.placement;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Session counts that keep one placer's index current, as the session table does, with the same
 * hand-over: the index starts from the counts, then every change reaches it as a delta. Counts may
 * change from several threads once the index exists.
 */
public final class IndexedCounts implements IndexedLoad {
  private final ConcurrentHashMap<BackendId, AtomicInteger> counts = new ConcurrentHashMap<>();
  private volatile LoadIndex index;

  public IndexedCounts set(BackendId id, int sessions) {
    int before = count(id).getAndSet(sessions);
    tell(id, sessions - before);
    return this;
  }

  public void add(Backend b, int delta) {
    count(b.id()).addAndGet(delta);
    tell(b.id(), delta);
  }

  @Override
  public int liveSessions(BackendId id) {
    AtomicInteger c = counts.get(id);
    return c == null ? 0 : c.get();
  }

  /** A plain view of the same counts, which placers scan instead of indexing. */
  public SessionLoad scanned() {
    return this::liveSessions;
  }

  @Override
  public synchronized LoadIndex indexFor(NewSessionPlacer placer) {
    if (index == null || index.placer() != placer) {
      index = placer.newIndex(this);
    }
    return index;
  }

  private AtomicInteger count(BackendId id) {
    return counts.computeIfAbsent(id, k -> new AtomicInteger());
  }

  private void tell(BackendId id, int delta) {
    LoadIndex i = index;
    if (i != null) {
      i.add(id, delta);
    }
  }
}
