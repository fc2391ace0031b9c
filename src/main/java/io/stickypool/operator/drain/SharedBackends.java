package io.stickypool.operator.drain;

import io.stickypool.core.backend.BackendId;
import io.stickypool.core.drain.DrainPhase;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every pool last decided about its backends, so that pools routing to the same pod (two
 * pools over one Service, or Services selecting the same pods) agree on it: a pod may go only when
 * every pool is done draining it ({@link #holds}), and its deletion cost is the sum of their
 * sessions ({@link #shares}). Pods are namespaced and a pool routes only to its own namespace, so a
 * backend is known by namespace and id.
 *
 * <p>Thread-safe: each pool's reconcile replaces its own view in one write, and reads the others'
 * views as last written. A pool the operator has not reconciled since it started is unknown, and an
 * unknown pool in the namespace holds every pod it may route to: after a restart no pod is let go
 * before every pool has said where it stands.
 */
public final class SharedBackends {
  /**
   * One pool's last word on its backends.
   *
   * @param phases its own drain phase of each backend it routes to (never REMOVED)
   * @param sessions live sessions per backend from a round every proxy answered; empty otherwise
   * @param deletionCost whether the pool has {@code spec.drain.podDeletionCost} on
   */
  public record PoolView(String pool, Map<BackendId, DrainPhase> phases, Map<BackendId, Long> sessions,
      boolean deletionCost) {
    public PoolView {
      Objects.requireNonNull(pool, "pool");
      phases = Map.copyOf(phases);
      sessions = Map.copyOf(sessions);
    }

    /** A pool that routes nowhere the operator decides now (invalid spec, no Service). */
    public static PoolView none(String pool) {
      return new PoolView(pool, Map.of(), Map.of(), false);
    }

    /** Its drain of the backend is not over: still routing to it, or draining it. */
    boolean using(BackendId id) {
      DrainPhase p = phases.get(id);
      return p == DrainPhase.ACTIVE || p == DrainPhase.DRAINING;
    }
  }

  /**
   * A pod's deletion cost as the pools with the option on see it.
   *
   * @param owners those pools' names, sorted, comma-separated; "" when none has the option on
   * @param sessions their sessions on the pod summed, or null while one of them has no complete count
   */
  public record Share(String owners, Long sessions) {
    public boolean wanted() {
      return !owners.isEmpty();
    }
  }

  /** namespace -> pool uid -> view. */
  private final Map<String, Map<String, PoolView>> views = new ConcurrentHashMap<>();

  /**
   * @return the uids of the other pools of the namespace that route to a backend of this pool's,
   *     when this pool's view changed (they decide from it: holds, summed costs); empty otherwise
   */
  public Set<String> record(String namespace, String poolUid, PoolView view) {
    Map<String, PoolView> pools = views.computeIfAbsent(namespace, ns -> new ConcurrentHashMap<>());
    PoolView before = pools.put(poolUid, view);
    if (view.equals(before)) {
      return Set.of();
    }
    Set<BackendId> mine = new java.util.HashSet<>(view.phases().keySet());
    if (before != null) {
      mine.addAll(before.phases().keySet());
    }
    Set<String> sharers = new java.util.TreeSet<>();
    pools.forEach((uid, other) -> {
      if (!uid.equals(poolUid) && other.phases().keySet().stream().anyMatch(mine::contains)) {
        sharers.add(uid);
      }
    });
    return sharers;
  }

  /** The name of a pool the views know. */
  public java.util.Optional<String> name(String namespace, String poolUid) {
    return java.util.Optional.ofNullable(views.getOrDefault(namespace, Map.of()).get(poolUid)).map(PoolView::pool);
  }

  public void forget(String namespace, String poolUid) {
    views.computeIfPresent(namespace, (ns, pools) -> {
      pools.remove(poolUid);
      return pools.isEmpty() ? null : pools;
    });
  }

  /**
   * The backends among {@code ids} the other pools of the namespace still use (route to or drain),
   * with those pools' names: this pool's proxies must not let their pods go yet. A pool in
   * {@code poolsInNamespace} that has no view yet holds all of them.
   *
   * @param poolsInNamespace uid -> name of every pool of the namespace the operator knows of
   */
  public Map<BackendId, SortedSet<String>> holds(String namespace, String poolUid, Collection<BackendId> ids,
      Map<String, String> poolsInNamespace) {
    Map<String, PoolView> known = views.getOrDefault(namespace, Map.of());
    Map<BackendId, SortedSet<String>> out = new TreeMap<>();
    for (BackendId id : ids) {
      SortedSet<String> by = new TreeSet<>();
      known.forEach((uid, view) -> {
        if (!uid.equals(poolUid) && view.using(id)) {
          by.add(view.pool());
        }
      });
      poolsInNamespace.forEach((uid, name) -> {
        if (!uid.equals(poolUid) && !known.containsKey(uid)) {
          by.add(name);
        }
      });
      if (!by.isEmpty()) {
        out.put(id, by);
      }
    }
    return out;
  }

  /**
   * The deletion cost each of {@code ids} should carry, over every pool of the namespace. While a
   * pool in {@code poolsInNamespace} has no view yet, no sum is known.
   */
  public Map<BackendId, Share> shares(String namespace, Set<BackendId> ids, Map<String, String> poolsInNamespace) {
    Map<String, PoolView> known = views.getOrDefault(namespace, Map.of());
    boolean allKnown = known.keySet().containsAll(poolsInNamespace.keySet());
    Map<BackendId, Share> out = new TreeMap<>();
    for (BackendId id : ids) {
      SortedSet<String> owners = new TreeSet<>();
      Long sum = allKnown ? 0L : null;
      for (PoolView view : known.values()) {
        if (view.deletionCost() && view.phases().containsKey(id)) {
          owners.add(view.pool());
          Long n = view.sessions().get(id);
          sum = sum == null || n == null ? null : sum + n;
        }
      }
      out.put(id, new Share(String.join(",", owners), owners.isEmpty() ? null : sum));
    }
    return out;
  }

  /** Whether some pool of the namespace still routes to {@code id} (in any phase). */
  public boolean routed(String namespace, BackendId id) {
    return views.getOrDefault(namespace, Map.of()).values().stream().anyMatch(v -> v.phases().containsKey(id));
  }
}
