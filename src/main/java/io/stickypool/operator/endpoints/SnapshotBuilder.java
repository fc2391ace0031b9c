package io.stickypool.operator.endpoints;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.backend.BackendState;
import io.stickypool.core.drain.BackendDrainStatus;
import io.stickypool.core.drain.DrainPolicy;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.core.snapshot.PlacementSettings;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.core.drain.DrainPhase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds the next routing snapshot of one StickyPool from what was observed: drain statuses step
 * through {@link BackendStates}, every backend not REMOVED is listed with its endpoint's address
 * and its phase's state (DRAINING and DRAINED carry their drain deadline), all with weight 1.
 *
 * <p>The version grows by one only when the content (settings or backends) changed; otherwise the
 * previous snapshot itself is returned, so an idle resync rewrites no ConfigMap and proxies see no
 * churn. The first snapshot (no previous) has version 1, even when it is empty because nothing
 * resolved yet: proxies then at least learn the pool's settings.
 *
 * <p>When the endpoints did not resolve ({@link PortResolution#NO_ENDPOINTS}: no slices at all, as
 * while the informer cache is still empty; {@link PortResolution#PORT_NOT_FOUND}: a wrong port
 * name), the builder keeps the last good backends and drain statuses untouched and reports no
 * transition: wiping every backend on a transient or configuration error would re-pin every
 * session. Settings changes still apply. Drains are then frozen, not timed out, until endpoints
 * resolve again; the caller is expected to surface the resolution in the StickyPool's status.
 *
 * <p>A backend this pool has DRAINED while another pool still uses its pod (see {@code holds}) is
 * published DRAINING with the time this pool's drain ended as its deadline: proxies re-pin its
 * sessions as for DRAINED (the deadline has passed) and take no new ones, but their {@code
 * /drained} answers 503, so the pod's preStop hook keeps it until every pool is done with it.
 *
 * <p>Immutable and thread-safe; holds only the pool's settings.
 */
public final class SnapshotBuilder {
  private final DrainPolicy policy;
  private final AffinitySettings affinity;
  private final PlacementSettings placement;

  public SnapshotBuilder(
      DrainPolicy policy, AffinitySettings affinity, PlacementSettings placement) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.affinity = Objects.requireNonNull(affinity, "affinity");
    this.placement = Objects.requireNonNull(placement, "placement");
  }

  /**
   * The next sync result.
   *
   * @param previous the snapshot published last, or null when none was published yet
   * @param previousStatuses the statuses of the previous result (empty at first)
   * @param sessions what proxies reported per backend; a missing backend means unknown
   */
  public EndpointSync next(
      RoutingSnapshot previous,
      Map<BackendId, BackendDrainStatus> previousStatuses,
      ObservedEndpoints observed,
      Map<BackendId, SessionStats> sessions,
      Instant now) {
    return next(previous, previousStatuses, observed, sessions, Map.of(), now);
  }

  /**
   * @param holds backends other pools still use (route to or drain), with those pools' names
   */
  public EndpointSync next(
      RoutingSnapshot previous,
      Map<BackendId, BackendDrainStatus> previousStatuses,
      ObservedEndpoints observed,
      Map<BackendId, SessionStats> sessions,
      Map<BackendId, SortedSet<String>> holds,
      Instant now) {
    Set<BackendId> heldBefore = held(previous, previousStatuses);
    if (!observed.resolved()) {
      List<Backend> kept = previous == null ? List.of() : previous.backends();
      RoutingSnapshot snapshot = publish(previous, kept);
      Map<BackendId, SortedSet<String>> stillHeld = new TreeMap<>();
      heldBefore.forEach(id -> stillHeld.put(id, new TreeSet<>(holds.getOrDefault(id, new TreeSet<String>()))));
      return new EndpointSync(observed.resolution(), snapshot, snapshot != previous, previousStatuses,
          List.of(), stillHeld, heldBefore);
    }
    BackendStates.Round round =
        BackendStates.step(previousStatuses, observed, sessions, policy, now);
    Map<BackendId, SortedSet<String>> held = new TreeMap<>();
    round.statuses().forEach((id, status) -> {
      if (status.phase() == DrainPhase.DRAINED && holds.containsKey(id)) {
        held.put(id, new TreeSet<>(holds.get(id)));
      }
    });
    RoutingSnapshot snapshot = publish(previous, backends(round.statuses(), observed, held.keySet()));
    return new EndpointSync(
        PortResolution.RESOLVED,
        snapshot,
        snapshot != previous,
        round.statuses(),
        round.transitions(),
        held,
        heldBefore);
  }

  /** Backends the previous sync held: published DRAINING though this pool had drained them. */
  private static Set<BackendId> held(RoutingSnapshot previous, Map<BackendId, BackendDrainStatus> statuses) {
    Set<BackendId> out = new TreeSet<>();
    if (previous != null) {
      previous.backends().stream()
          .filter(b -> b.state() == BackendState.DRAINING && statuses.containsKey(b.id())
              && statuses.get(b.id()).phase() == DrainPhase.DRAINED)
          .forEach(b -> out.add(b.id()));
    }
    return out;
  }

  private static List<Backend> backends(
      Map<BackendId, BackendDrainStatus> statuses, ObservedEndpoints observed, Set<BackendId> held) {
    Map<BackendId, ObservedEndpoint> present = observed.byId();
    List<Backend> out = new ArrayList<>(statuses.size());
    statuses.forEach((id, status) -> {
      // Statuses hold no REMOVED phase, and every other phase comes from a present endpoint.
      BackendState state = status.phase().backendState().orElseThrow();
      Instant deadline = status.drainDeadline();
      if (held.contains(id)) {
        // When this pool's drain ended: a deadline that has passed, so the sessions still move.
        state = BackendState.DRAINING;
        deadline = deadline == null || status.since().isBefore(deadline) ? status.since() : deadline;
      }
      ObservedEndpoint endpoint = present.get(id);
      out.add(new Backend(id, endpoint.address(), endpoint.port(), 1, state, deadline));
    });
    return out;
  }

  /** The previous snapshot when nothing changed, else the new content with the next version. */
  private RoutingSnapshot publish(RoutingSnapshot previous, List<Backend> backends) {
    if (previous == null) {
      return new RoutingSnapshot(1, affinity, placement, backends);
    }
    RoutingSnapshot sameVersion =
        new RoutingSnapshot(previous.version(), affinity, placement, backends);
    if (sameVersion.equals(previous)) {
      return previous;
    }
    return sameVersion.withBackends(previous.version() + 1, sameVersion.backends());
  }
}
