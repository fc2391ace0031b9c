package io.stickypool.operator.endpoints;

import io.stickypool.operator.StickyPoolReconciler;

import io.stickypool.operator.model.PoolSettings;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.contract.RoutingSnapshotCodec;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.backend.BackendState;
import io.stickypool.core.drain.BackendDrainStatus;
import io.stickypool.core.drain.DrainPhase;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.core.snapshot.CookieSettings;
import io.stickypool.core.snapshot.PlacementSettings;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.operator.endpoints.EndpointSync;
import io.stickypool.operator.endpoints.ObservedEndpoints;
import io.stickypool.operator.endpoints.SessionStats;
import io.stickypool.operator.endpoints.SnapshotBuilder;

import java.time.Instant;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Previous snapshot and drain statuses per pool uid. Memory is the fast path; after an operator
 * restart the previous snapshot is parsed back from the routes ConfigMap so the version never goes
 * down and a good backend list is never replaced by an empty one. Drain statuses are restored from
 * that snapshot too, which lists each backend's state and drain deadline: a restart neither
 * extends a drain nor re-announces backends as added.
 */
public final class PoolMemory {
  private record Entry(RoutingSnapshot snapshot, Map<BackendId, BackendDrainStatus> statuses) {}

  private static final String CONFIG_KEY = "proxy.json";

  private final Map<String, Entry> byUid = new ConcurrentHashMap<>();
  private final RoutingSnapshotCodec codec = new RoutingSnapshotCodec();
  private final ObjectMapper json = new ObjectMapper();

  /**
   * The next sync result, not yet remembered: call {@link #commit} once it is published, so that a
   * reconcile that fails half way is redone in full, Events included, by JOSDK's retry.
   *
   * @param sessions drain-safe session figures: a backend absent from it counts as unknown
   * @param holds backends other pools still use, with their names (see {@link SnapshotBuilder})
   */
  public EndpointSync sync(StickyPool pool, ConfigMap routes, ObservedEndpoints observed,
      Map<BackendId, SessionStats> sessions, Map<BackendId, SortedSet<String>> holds, Instant now) {
    String uid = pool.getMetadata().getUid();
    Entry previous = byUid.get(uid);
    PoolSettings settings = PoolSettings.of(pool.getSpec());
    if (previous == null) {
      RoutingSnapshot published = parse(routes);
      previous = new Entry(published, restored(published, settings, now));
    }
    SnapshotBuilder builder = new SnapshotBuilder(settings.drain(), settings.affinity(), settings.placement());
    return builder.next(previous.snapshot(), previous.statuses(), observed, sessions, holds, now);
  }

  public void commit(StickyPool pool, EndpointSync sync) {
    byUid.put(pool.getMetadata().getUid(), new Entry(sync.snapshot(), sync.statuses()));
  }

  /**
   * The drain statuses a published snapshot implies. A drain's start is not published; it is
   * taken as its deadline minus the drain timeout, which is exact unless the timeout was edited.
   */
  public static Map<BackendId, BackendDrainStatus> restored(
      RoutingSnapshot snapshot, PoolSettings settings, Instant now) {
    Map<BackendId, BackendDrainStatus> statuses = new java.util.LinkedHashMap<>();
    if (snapshot == null) {
      return statuses;
    }
    for (io.stickypool.core.backend.Backend b : snapshot.backends()) {
      // DRAINING past its deadline is over: the proxies re-pin its sessions already. It is how a
      // drain held for another pool is published (SnapshotBuilder), and ended when it was.
      boolean over = b.state() == BackendState.DRAINING && !now.isBefore(b.drainDeadline());
      DrainPhase phase = switch (b.state()) {
        case ACTIVE -> DrainPhase.ACTIVE;
        case DRAINING -> over ? DrainPhase.DRAINED : DrainPhase.DRAINING;
        case DRAINED -> DrainPhase.DRAINED;
        case UNAVAILABLE -> DrainPhase.UNAVAILABLE;
      };
      Instant since = phase == DrainPhase.DRAINING
          ? b.drainDeadline().minus(settings.drain().drainTimeout()) : over ? b.drainDeadline() : now;
      statuses.put(b.id(), new BackendDrainStatus(phase, since, b.drainDeadline()));
    }
    return statuses;
  }

  public void forget(String uid) {
    byUid.remove(uid);
  }

  private RoutingSnapshot parse(ConfigMap routes) {
    if (routes == null || routes.getData() == null || routes.getData().get(CONFIG_KEY) == null) {
      return null;
    }
    try {
      ObjectNode root = (ObjectNode) json.readTree(routes.getData().get(CONFIG_KEY));
      root.remove("proxy");
      return codec.fromTree(root);
    } catch (Exception e) {
      // An unreadable document is replaced; the version still continues from the annotation.
      long v = StickyPoolReconciler.annotatedVersion(routes);
      return new RoutingSnapshot(v, AffinitySettings.cookie(CookieSettings.defaults()),
          PlacementSettings.defaults(), java.util.List.of());
    }
  }
}
