package io.stickypool.proxy.admin;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.backend.BackendState;
import io.stickypool.proxy.routing.CompiledRoutes;
import io.stickypool.proxy.routing.RoutingState;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code GET /drained?backend=<id>}: may this backend's pod go now? For a preStop hook that holds
 * a terminating pod until its sessions have moved ({@code curl -fs} loops on anything but 200).
 * The answer comes from the routing snapshot, where the operator records the drain decision it took
 * over every proxy replica's sessions, so any replica gives the same answer: 200 when the backend
 * is DRAINED or no longer routed to, 503 while it is ACTIVE or DRAINING (with its local session
 * count), 503 before any snapshot is loaded. A backend DRAINING past its deadline is one this pool
 * has drained while another pool routing to the same pod has not (the operator holds it so): its
 * sessions have moved, but the pod must stay, so 503 too.
 */
final class DrainedEndpoint implements AdminEndpoint {
  private final RoutingState state;
  private final java.util.function.ToIntFunction<BackendId> localSessions;
  private final Clock clock;

  DrainedEndpoint(RoutingState state, java.util.function.ToIntFunction<BackendId> localSessions, Clock clock) {
    this.state = state;
    this.localSessions = localSessions;
    this.clock = clock;
  }

  @Override
  public AdminResponse handle(AdminRequest request) {
    String param = request.queryParam("backend");
    BackendId id;
    try {
      id = BackendId.of(param == null ? "" : param);
    } catch (IllegalArgumentException e) {
      return AdminResponse.text(400, "query parameter backend=<backend id> is required: "
          + e.getMessage() + "\n");
    }
    CompiledRoutes routes = state.current();
    if (routes == null) {
      return AdminResponse.text(503, "unknown: no routing snapshot loaded yet\n");
    }
    Optional<Backend> backend = routes.table().backends().stream()
        .filter(b -> b.id().equals(id)).findFirst();
    if (backend.isEmpty()) {
      return AdminResponse.text(200, "drained: " + id + " is not routed to (snapshot version "
          + routes.table().snapshot().version() + ")\n");
    }
    BackendState s = backend.get().state();
    if (s == BackendState.DRAINED || s == BackendState.UNAVAILABLE) {
      return AdminResponse.text(200, "drained: " + id + " is " + s + "\n");
    }
    Instant deadline = backend.get().drainDeadline();
    if (s == BackendState.DRAINING && !clock.instant().isBefore(deadline)) {
      return AdminResponse.text(503, "not drained: " + id + "'s drain in this pool ended at " + deadline
          + " (its sessions move), but the pod is held: another pool routing to it is still draining it\n");
    }
    return AdminResponse.text(503, "not drained: " + id + " is " + s + (deadline == null ? "" : " until " + deadline)
        + ", " + localSessions.applyAsInt(id) + " session(s) pinned on this replica\n");
  }
}
