package io.stickypool.operator;

import io.stickypool.api.v1alpha1.BackendStatus;
import io.stickypool.api.v1alpha1.StickyPoolStatus;
import io.stickypool.core.backend.BackendId;
import io.stickypool.operator.sessions.PoolSessions;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Pure: the session figures in a pool's status. {@code sessionsObservedAt} moves only when a
 * figure changed or a refresh period passed, so reconciles caused by other events do not patch the
 * status just for a newer timestamp.
 */
final class SessionStatus {
  /** What the status shows, to compare before and after a round. */
  record Shown(Map<String, Long> perBackend, Long total, String reportedBy, String observedAt) {
    boolean sameFigures(Shown o) {
      return perBackend.equals(o.perBackend) && Objects.equals(total, o.total)
          && Objects.equals(reportedBy, o.reportedBy);
    }
  }

  private SessionStatus() {}

  static Shown shown(StickyPoolStatus status) {
    Map<String, Long> per = new TreeMap<>();
    if (status.getBackends() != null) {
      status.getBackends().stream().filter(b -> b.getSessions() != null)
          .forEach(b -> per.put(b.getId(), b.getSessions()));
    }
    return new Shown(per, status.getSessions(), status.getSessionsReportedBy(), status.getSessionsObservedAt());
  }

  /** Call after the backends were written; {@code before} is what the status showed before them. */
  static void write(StickyPoolStatus status, Shown before, PoolSessions sessions, Duration refresh) {
    for (BackendStatus b : status.getBackends()) {
      b.setSessions(sessions.sessions(BackendId.of(b.getId())).stream().boxed().findFirst().orElse(null));
    }
    status.setSessions(sessions.total().stream().boxed().findFirst().orElse(null));
    status.setSessionsReportedBy(sessions.reportedBy());
    boolean fresh = shown(status).sameFigures(before) && recent(before.observedAt(), sessions.at(), refresh);
    status.setSessionsObservedAt(fresh ? before.observedAt() : sessions.at().toString());
  }

  /** Within 90% of a refresh: the scheduled round itself, arriving a little early, still updates. */
  private static boolean recent(String observedAt, Instant now, Duration refresh) {
    if (observedAt == null) {
      return false;
    }
    try {
      return now.isBefore(Instant.parse(observedAt).plus(refresh.multipliedBy(9).dividedBy(10)));
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
