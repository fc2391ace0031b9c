package io.stickypool.proxy.admin;

import io.stickypool.contract.SessionReport;
import io.stickypool.contract.SessionReportCodec;
import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.session.DistinctSketch;
import io.stickypool.core.session.SessionTable;
import io.stickypool.proxy.routing.CompiledRoutes;
import io.stickypool.proxy.routing.RoutingState;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code GET /sessions/report}: this instance's live sessions per backend as mergeable sketches
 * (docs/session-report.md), for the operator to add up over replicas. Lists every backend of the
 * current snapshot, and any backend that left it but still holds sessions here, so a drained
 * backend's last sessions are still counted. Walks the session table: runs on the admin thread,
 * never on a traffic event loop.
 */
final class SessionReportEndpoint implements AdminEndpoint {
  private static final SessionReportCodec CODEC = new SessionReportCodec();

  private final String instance;
  private final RoutingState state;
  private final SessionTable sessions;
  private final Clock clock;

  SessionReportEndpoint(String instance, RoutingState state, SessionTable sessions, Clock clock) {
    this.instance = instance;
    this.state = state;
    this.sessions = sessions;
    this.clock = clock;
  }

  @Override
  public AdminResponse handle(AdminRequest request) {
    return AdminResponse.json(200, CODEC.toJson(report()) + "\n");
  }

  SessionReport report() {
    CompiledRoutes routes = state.current();
    Set<BackendId> ids = new TreeSet<>(sessions.countsByBackend().keySet());
    if (routes != null) {
      routes.table().backends().stream().map(Backend::id).forEach(ids::add);
    }
    List<SessionReport.Backend> backends = new ArrayList<>(ids.size());
    for (BackendId id : ids) {
      DistinctSketch live = new DistinctSketch();
      sessions.forEachSession(id, live::add);
      backends.add(new SessionReport.Backend(id, sessions.liveSessions(id), sessions.lastActivity(id), live));
    }
    long version = routes == null ? 0 : routes.table().snapshot().version();
    return new SessionReport(instance, version, clock.instant(), backends);
  }
}
