package io.stickypool.proxy.admin;

import io.stickypool.contract.SessionReport;
import io.stickypool.contract.SessionReportCodec;
import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.session.DistinctSketch;
import io.stickypool.core.session.Repin;
import io.stickypool.core.session.RepinReason;
import io.stickypool.core.session.SessionTable;
import io.stickypool.proxy.routing.CompiledRoutes;
import io.stickypool.proxy.routing.RoutingState;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code GET /sessions/report}: this instance's live sessions per backend, with when each was
 * pinned there, and the sessions it re-pinned away from a backend (docs/session-report.md), for the
 * operator to add up over replicas. Lists every backend of the current snapshot, and any backend
 * that left it but still holds sessions here, so a drained backend's last sessions are still
 * counted. A backend's sessions are listed one by one, except a serving backend's beyond {@link
 * DistinctSketch#EXACT_LIMIT}, sent as a sketch to bound the report: a backend that stopped serving
 * is always listed exactly, since its entries here may be stale (another replica may have re-pinned
 * them), and the operator can drop a stale entry only if it is listed. Walks the session table:
 * runs on the admin thread, never on a traffic event loop.
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
    Instant now = clock.instant();
    Set<BackendId> ids = new TreeSet<>(sessions.countsByBackend().keySet());
    Set<BackendId> serving = new TreeSet<>();
    if (routes != null) {
      for (Backend b : routes.table().backends()) {
        ids.add(b.id());
        if (b.servesPinnedSessionsAt(now)) {
          serving.add(b.id());
        }
      }
    }
    Map<BackendId, List<SessionReport.Moved>> moved = moved(sessions.repins());
    ids.addAll(moved.keySet());
    List<SessionReport.Backend> backends = new ArrayList<>(ids.size());
    for (BackendId id : ids) {
      backends.add(backend(id, serving.contains(id), moved.getOrDefault(id, List.of())));
    }
    long version = routes == null ? 0 : routes.table().snapshot().version();
    return new SessionReport(instance, version, now, backends);
  }

  private SessionReport.Backend backend(BackendId id, boolean serving, List<SessionReport.Moved> moved) {
    Listing listing = new Listing(serving);
    sessions.forEachPin(id, listing);
    return new SessionReport.Backend(id, sessions.liveSessions(id), sessions.lastActivity(id),
        listing.sketch == null ? listing.pins() : null, listing.sketch, moved);
  }

  /** This table's re-pins, by the backend they went to, then by where from and why. */
  private static Map<BackendId, List<SessionReport.Moved>> moved(List<Repin> repins) {
    Map<BackendId, Map<BackendId, Map<RepinReason, Listing>>> byTarget = new TreeMap<>();
    for (Repin r : repins) {
      byTarget.computeIfAbsent(r.to(), id -> new TreeMap<>()).computeIfAbsent(r.from(), id -> new TreeMap<>())
          .computeIfAbsent(r.reason(), why -> new Listing(false)).accept(r.key(), r.pinnedAtMillis());
    }
    Map<BackendId, List<SessionReport.Moved>> out = new TreeMap<>();
    byTarget.forEach((to, froms) -> froms.forEach((from, reasons) -> reasons.forEach((why, listing) ->
        out.computeIfAbsent(to, id -> new ArrayList<>()).add(new SessionReport.Moved(from, why, listing.pins())))));
    return out;
  }

  /**
   * Collects sessions with their pin times, keys mixed for export; past {@link
   * DistinctSketch#EXACT_LIMIT} of a serving backend, a sketch instead.
   */
  private static final class Listing implements SessionTable.PinVisitor {
    private final boolean mayOverflow;
    private long[] keys = new long[16];
    private long[] pinnedAt = new long[16];
    private int size;
    private DistinctSketch sketch;

    Listing(boolean mayOverflow) {
      this.mayOverflow = mayOverflow;
    }

    @Override
    public void accept(long key, long pinnedAtMillis) {
      if (sketch == null && mayOverflow && size == DistinctSketch.EXACT_LIMIT) {
        sketch = new DistinctSketch();
        for (int i = 0; i < size; i++) {
          sketch.addMixed(keys[i]);
        }
      }
      if (sketch != null) {
        sketch.add(key);
        return;
      }
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
        pinnedAt = Arrays.copyOf(pinnedAt, size * 2);
      }
      keys[size] = DistinctSketch.mix(key);
      pinnedAt[size++] = pinnedAtMillis;
    }

    SessionReport.Pins pins() {
      return new SessionReport.Pins(Arrays.copyOf(keys, size), Arrays.copyOf(pinnedAt, size));
    }
  }
}
