package io.stickypool.contract;

import io.stickypool.core.backend.BackendId;
import io.stickypool.core.session.DistinctSketch;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/** Merges the reports of several proxy instances into one figure per backend. Pure. */
public final class SessionReports {
  /**
   * One backend over all reports.
   *
   * @param sessions distinct live sessions (a session two replicas saw counts once)
   * @param lastActivity the latest activity any replica saw, or null if none did
   */
  public record Merged(long sessions, Instant lastActivity) {}

  private SessionReports() {}

  public static Map<BackendId, Merged> merge(Collection<SessionReport> reports) {
    Map<BackendId, DistinctSketch> sketches = new TreeMap<>();
    Map<BackendId, Instant> last = new TreeMap<>();
    for (SessionReport report : reports) {
      for (SessionReport.Backend b : report.backends()) {
        sketches.computeIfAbsent(b.id(), id -> new DistinctSketch()).merge(b.live());
        if (b.lastActivity() != null) {
          last.merge(b.id(), b.lastActivity(), (x, y) -> x.isAfter(y) ? x : y);
        }
      }
    }
    Map<BackendId, Merged> merged = new TreeMap<>();
    sketches.forEach((id, sketch) -> merged.put(id, new Merged(sketch.estimate(), last.get(id))));
    return merged;
  }
}
