package io.stickypool.contract;

import io.stickypool.core.backend.BackendId;
import io.stickypool.core.session.DistinctSketch;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one proxy instance knows about live sessions, per backend, in a form the operator can merge
 * over replicas without double counting (docs/session-report.md). Immutable apart from the
 * sketches, which readers must not modify.
 *
 * @param instance which proxy made it (its pod name), for logs and partial-result messages
 * @param snapshotVersion the routing snapshot the proxy was serving
 */
public record SessionReport(
    String instance, long snapshotVersion, Instant generatedAt, List<Backend> backends) {

  /**
   * @param sessions this instance's own count (for its own /metrics; merging uses the sketch)
   * @param lastActivity when a session of the backend was last seen here, or null if never
   * @param live the backend's sessions that are not idle
   */
  public record Backend(BackendId id, int sessions, Instant lastActivity, DistinctSketch live) {
    public Backend {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(live, "live");
    }
  }

  public SessionReport {
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(generatedAt, "generatedAt");
    backends = List.copyOf(backends);
  }
}
