package io.stickypool.operator.status;

import io.stickypool.api.v1alpha1.BackendStatus;
import io.stickypool.api.v1alpha1.StickyPoolStatus;
import io.stickypool.core.backend.BackendId;
import io.stickypool.operator.sessions.PoolSessions;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Pure: the session figures in a pool's status. {@code sessionsObservedAt} says since when the
 * figures are as shown: it moves only when one of them changes, so an idle pool's status is never
 * written again just for a newer timestamp (every such write is an etcd write and a MODIFIED event
 * to every StickyPool watcher).
 */
public final class SessionStatus {
  /** What the status shows, to compare before and after a round. */
  public record Shown(Map<String, Long> perBackend, Long total, String reportedBy, String observedAt) {
    boolean sameFigures(Shown o) {
      return perBackend.equals(o.perBackend) && Objects.equals(total, o.total)
          && Objects.equals(reportedBy, o.reportedBy);
    }
  }

  private SessionStatus() {}

  public static Shown shown(StickyPoolStatus status) {
    Map<String, Long> per = new TreeMap<>();
    if (status.getBackends() != null) {
      status.getBackends().stream().filter(b -> b.getSessions() != null)
          .forEach(b -> per.put(b.getId(), b.getSessions()));
    }
    return new Shown(per, status.getSessions(), status.getSessionsReportedBy(), status.getSessionsObservedAt());
  }

  /** Call after the backends were written; {@code before} is what the status showed before them. */
  public static void write(StickyPoolStatus status, Shown before, PoolSessions sessions) {
    for (BackendStatus b : status.getBackends()) {
      b.setSessions(sessions.sessions(BackendId.of(b.getId())).stream().boxed().findFirst().orElse(null));
    }
    // The sum of what the backends show, so the figures add up: a backend that left the routes may
    // still be in a proxy's report for a while, and counting it would show sessions nobody can see.
    status.setSessions(sessions.known() ? status.getBackends().stream().map(BackendStatus::getSessions)
        .filter(java.util.Objects::nonNull).mapToLong(Long::longValue).sum() : null);
    status.setSessionsReportedBy(sessions.reportedBy());
    boolean unchanged = shown(status).sameFigures(before) && before.observedAt() != null;
    status.setSessionsObservedAt(unchanged ? before.observedAt() : sessions.at().toString());
  }
}
