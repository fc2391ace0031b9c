package io.stickypool.contract;

import io.stickypool.core.backend.BackendId;
import io.stickypool.core.session.DistinctSketch;
import io.stickypool.core.session.RepinReason;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Merges the reports of several proxy instances into one figure per backend, counting each session
 * once, on the backend it is pinned to now. Pure.
 *
 * <p>A session can be listed on two backends: a replica that re-pinned it (its backend left or
 * failed) lists it on the new one, while another replica, which has not seen its user since, still
 * lists it on the old one until its entry idles out. Every listing with a pin time (exact
 * sessions, and every re-pin) takes part in a vote: a session counts on the backend of its latest
 * pin only. A backend listed as a HyperLogLog sketch (more than 1,024 sessions on one replica,
 * serving) counts its sketch as is: its sessions cannot be told apart, but proxies list a backend
 * that stopped serving exactly, whatever its size, so the stale side of a move is always exact.
 */
public final class SessionReports {
  /**
   * One backend over all reports.
   *
   * @param sessions distinct live sessions pinned to it now (a session two replicas saw counts once)
   * @param lastActivity the latest activity any replica saw, or null if none did
   */
  public record Merged(long sessions, Instant lastActivity) {}

  /** Where a session re-pinned away from a backend went, why, and when (the latest re-pin seen). */
  public record Move(BackendId to, RepinReason reason, long pinnedAtMillis) {}

  /**
   * @param perBackend each backend any report listed, with its merged figures
   * @param movedFrom per backend sessions were re-pinned away from: each such session (mixed key)
   *     once over all replicas, with its latest re-pin
   */
  public record Result(Map<BackendId, Merged> perBackend, Map<BackendId, Map<Long, Move>> movedFrom) {}

  private record Pin(BackendId backend, long at) {
    boolean laterThan(Pin other) {
      return at != other.at ? at > other.at : backend.compareTo(other.backend) < 0;
    }
  }

  private SessionReports() {}

  public static Map<BackendId, Merged> merge(Collection<SessionReport> reports) {
    return mergeAll(reports).perBackend();
  }

  public static Result mergeAll(Collection<SessionReport> reports) {
    Map<Long, Pin> latest = latestPins(reports);
    Map<BackendId, Set<Long>> exact = new TreeMap<>();
    Map<BackendId, DistinctSketch> sketches = new TreeMap<>();
    Map<BackendId, Instant> last = new TreeMap<>();
    Map<BackendId, Map<Long, Move>> movedFrom = new TreeMap<>();
    for (SessionReport report : reports) {
      for (SessionReport.Backend b : report.backends()) {
        Set<Long> keys = exact.computeIfAbsent(b.id(), id -> new HashSet<>());
        if (b.hll() != null) {
          sketches.computeIfAbsent(b.id(), id -> new DistinctSketch()).merge(b.hll());
        } else {
          for (long key : b.exact().keys()) {
            if (latest.get(key).backend().equals(b.id())) {
              keys.add(key);
            }
          }
        }
        if (b.lastActivity() != null) {
          last.merge(b.id(), b.lastActivity(), (x, y) -> x.isAfter(y) ? x : y);
        }
        for (SessionReport.Moved m : b.moved()) {
          Map<Long, Move> from = movedFrom.computeIfAbsent(m.from(), id -> new HashMap<>());
          for (int i = 0; i < m.pins().size(); i++) {
            Move move = new Move(b.id(), m.reason(), m.pins().pinnedAt()[i]);
            from.merge(m.pins().keys()[i], move, (x, y) -> y.pinnedAtMillis() > x.pinnedAtMillis() ? y : x);
          }
        }
      }
    }
    Map<BackendId, Merged> merged = new TreeMap<>();
    exact.forEach((id, keys) -> {
      DistinctSketch sketch = sketches.get(id);
      long sessions = keys.size();
      if (sketch != null) {
        keys.forEach(sketch::addMixed);
        sessions = sketch.estimate();
      }
      merged.put(id, new Merged(sessions, last.get(id)));
    });
    return new Result(merged, movedFrom);
  }

  /** Every session's latest pin over all listings that carry a time. */
  private static Map<Long, Pin> latestPins(Collection<SessionReport> reports) {
    Map<Long, Pin> latest = new HashMap<>();
    for (SessionReport report : reports) {
      for (SessionReport.Backend b : report.backends()) {
        if (b.exact() != null) {
          offer(latest, b.exact(), b.id());
        }
        b.moved().forEach(m -> offer(latest, m.pins(), b.id()));
      }
    }
    return latest;
  }

  private static void offer(Map<Long, Pin> latest, SessionReport.Pins pins, BackendId backend) {
    for (int i = 0; i < pins.size(); i++) {
      Pin pin = new Pin(backend, pins.pinnedAt()[i]);
      latest.merge(pins.keys()[i], pin, (x, y) -> y.laterThan(x) ? y : x);
    }
  }
}
