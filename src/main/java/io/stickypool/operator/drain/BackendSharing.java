package io.stickypool.operator.drain;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Set;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.drain.DrainPhase;
import io.stickypool.operator.drain.BackendPods;
import io.stickypool.operator.drain.PodDeletionCostWriter;
import io.stickypool.operator.drain.SharedBackends;
import io.stickypool.operator.drain.SharedBackends.PoolView;
import io.stickypool.operator.endpoints.EndpointSync;
import io.stickypool.operator.endpoints.ObservedEndpoint;
import io.stickypool.operator.endpoints.ObservedEndpoints;
import java.time.Instant;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Backend pods several pools route to, for the reconciler: what the other pools still use (their
 * holds on this pool's drained pods) and the pods' deletion costs summed over the pools. Gathers
 * from the caches and {@link SharedBackends}; the decisions are in the drain package and {@link
 * io.stickypool.operator.endpoints.SnapshotBuilder}. Thread-safe.
 */
public final class BackendSharing {
  private final SharedBackends shared = new SharedBackends();
  private final PodDeletionCostWriter costs;

  public BackendSharing(KubernetesClient client) {
    this.costs = new PodDeletionCostWriter(client, shared);
  }

  /**
   * The pool's terminating backends that other pools still route to or drain, with their names. A
   * pool of the namespace the operator has not reconciled yet (just started) holds them all.
   */
  public Map<BackendId, SortedSet<String>> holds(StickyPool pool, Context<StickyPool> ctx, ObservedEndpoints observed) {
    var terminating = observed.endpoints().stream().filter(e -> e.conditions().terminating())
        .map(ObservedEndpoint::id).toList();
    if (terminating.isEmpty()) {
      return Map.of();
    }
    String ns = pool.getMetadata().getNamespace();
    return shared.holds(ns, pool.getMetadata().getUid(), terminating, poolsIn(ctx, ns));
  }

  /** uid -> name of every pool of the namespace in the controller's cache. */
  private static Map<String, String> poolsIn(Context<StickyPool> ctx, String namespace) {
    return ctx.getPrimaryCache().list(namespace)
        .collect(Collectors.toMap(p -> p.getMetadata().getUid(), p -> p.getMetadata().getName(), (a, b) -> a));
  }

  /**
   * What this pool now does with its backends, for the other pools; after its routes are published.
   *
   * @return the other pools sharing a backend with it, when what it does changed: they decide from
   *     it (their holds, the summed deletion costs) and should reconcile
   */
  public Set<ResourceID> record(StickyPool pool, EndpointSync sync, Map<BackendId, Long> completeCounts) {
    Map<BackendId, DrainPhase> phases = new TreeMap<>();
    sync.statuses().forEach((id, s) -> phases.put(id, s.phase()));
    String ns = pool.getMetadata().getNamespace();
    return named(ns, shared.record(ns, pool.getMetadata().getUid(),
        new PoolView(pool.getMetadata().getName(), phases, completeCounts, deletionCost(pool))));
  }

  /** The pool decides nothing now (invalid spec, no Service): it holds no other pool's pods. */
  public Set<ResourceID> recordNone(StickyPool pool) {
    String ns = pool.getMetadata().getNamespace();
    return named(ns, shared.record(ns, pool.getMetadata().getUid(), PoolView.none(pool.getMetadata().getName())));
  }

  private Set<ResourceID> named(String ns, Set<String> uids) {
    return uids.stream().map(uid -> shared.name(ns, uid)).flatMap(java.util.Optional::stream)
        .map(name -> new ResourceID(name, ns)).collect(Collectors.toSet());
  }

  /** Brings the deletion costs of the pool's backend pods in line with every pool's sessions. */
  /** @return when a cost change held back by the writer's interval is due, for the reconcile to come back */
  public java.util.Optional<Instant> updateCosts(StickyPool pool, Context<StickyPool> ctx, EndpointSync sync,
      BackendPods pods, Instant now) {
    String ns = pool.getMetadata().getNamespace();
    return costs.update(ns, sync.statuses().keySet(), poolsIn(ctx, ns), pods, now).heldBackUntil();
  }

  public void forget(StickyPool pool) {
    shared.forget(pool.getMetadata().getNamespace(), pool.getMetadata().getUid());
  }

  private static boolean deletionCost(StickyPool pool) {
    return pool.getSpec().getDrain() != null && Boolean.TRUE.equals(pool.getSpec().getDrain().getPodDeletionCost());
  }
}
