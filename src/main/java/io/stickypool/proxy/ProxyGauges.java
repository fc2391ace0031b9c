package io.stickypool.proxy;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.session.SessionTable;
import io.stickypool.proxy.http.OpenConnections;
import io.stickypool.proxy.metrics.ProxyMetrics;
import io.stickypool.proxy.routing.CompiledRoutes;
import io.stickypool.proxy.routing.RoutingState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The proxy's gauges, read on each scrape. Sessions per backend are a row per backend in the
 * routes, rebuilt by {@link #refresh} before each scrape: a backend that left has no row, even
 * while sessions pinned to it wait to expire.
 */
final class ProxyGauges {
  private final SessionTable sessions;
  private final RoutingState state;
  private final MultiGauge perBackendSessions;

  ProxyGauges(ProxyMetrics metrics, SessionTable sessions, RoutingState state, OpenConnections connections,
      RoutesIntake intake) {
    this.sessions = sessions;
    this.state = state;
    metrics.gauge("stickypool_sessions_live", "Live sessions in this proxy's table", sessions, SessionTable::size);
    metrics.gauge("stickypool_snapshot_version", "Version of the routing snapshot in use", state,
        s -> s.current() == null ? -1 : s.current().table().snapshot().version());
    metrics.gauge("stickypool_routes_stale", "1 while the routes source fails and the last good snapshot is served",
        intake, i -> i.problem() == null ? 0 : 1);
    metrics.gauge("stickypool_client_connections", "Open client connections", connections, OpenConnections::size);
    metrics.gauge("stickypool_tunnels", "Open protocol tunnels (WebSocket)", connections,
        OpenConnections::tunnelCount);
    perBackendSessions = MultiGauge.builder("stickypool_backend_sessions")
        .description("Live sessions per backend in this proxy's table")
        .register(metrics.registry());
  }

  /** Brings the per-backend session gauges up to date; the admin port calls it before a scrape. */
  void refresh() {
    CompiledRoutes routes = state.current();
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    if (routes != null) {
      Map<BackendId, Integer> counts = sessions.countsByBackend();
      for (Backend b : routes.table().snapshot().backends()) {
        Integer count = counts.get(b.id());
        if (count != null) {
          rows.add(MultiGauge.Row.of(Tags.of("backend", b.id().value()), count));
        }
      }
    }
    perBackendSessions.register(rows, true);
  }
}
