package io.stickypool.operator.endpoints;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.backend.BackendState;
import io.stickypool.core.drain.BackendDrainStatus;
import io.stickypool.core.drain.DrainPolicy;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.core.snapshot.PlacementSettings;
import io.stickypool.core.snapshot.RoutingSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
    if (!observed.resolved()) {
      List<Backend> kept = previous == null ? List.of() : previous.backends();
      RoutingSnapshot snapshot = publish(previous, kept);
      return new EndpointSync(
          observed.resolution(), snapshot, snapshot != previous, previousStatuses, List.of());
    }
    BackendStates.Round round =
        BackendStates.step(previousStatuses, observed, sessions, policy, now);
    RoutingSnapshot snapshot = publish(previous, backends(round.statuses(), observed));
    return new EndpointSync(
        PortResolution.RESOLVED,
        snapshot,
        snapshot != previous,
        round.statuses(),
        round.transitions());
  }

  private static List<Backend> backends(
      Map<BackendId, BackendDrainStatus> statuses, ObservedEndpoints observed) {
    Map<BackendId, ObservedEndpoint> present = observed.byId();
    List<Backend> out = new ArrayList<>(statuses.size());
    statuses.forEach((id, status) -> {
      // Statuses hold no REMOVED phase, and every other phase comes from a present endpoint.
      BackendState state = status.phase().backendState().orElseThrow();
      ObservedEndpoint endpoint = present.get(id);
      out.add(new Backend(
          id, endpoint.address(), endpoint.port(), 1, state, status.drainDeadline()));
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
