package io.stickypool.operator.sessions;

import io.stickypool.contract.SessionReports;
import io.stickypool.core.backend.BackendId;
import io.stickypool.operator.endpoints.SessionStats;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * One collection round over a pool's proxies. The per-backend figures merge the replicas that
 * answered; when some did not, the figures are a lower bound ("partial"), fine to show but never
 * allowed to end a drain early: {@link #forDrain} then knows nothing. Immutable.
 *
 * @param perBackend merged distinct sessions and latest activity of the replicas that answered
 * @param asked how many proxies were asked
 * @param answered how many gave a valid report
 * @param missing one line per proxy that did not, {@code pod: why}
 * @param at when the round ran
 * @param movedFrom per backend that lost sessions to re-pins, each such session once over the
 *     replicas that answered (mixed key -> where it went, why, when), as the proxies still list them
 */
public record PoolSessions(
    Map<BackendId, SessionStats> perBackend, int asked, int answered, List<String> missing, Instant at,
    Map<BackendId, Map<Long, SessionReports.Move>> movedFrom) {

  public PoolSessions {
    perBackend = Collections.unmodifiableMap(new TreeMap<>(perBackend));
    movedFrom = Collections.unmodifiableMap(new TreeMap<>(movedFrom));
    missing = List.copyOf(missing);
    Objects.requireNonNull(at, "at");
    if (answered < 0 || answered > asked) {
      throw new IllegalArgumentException("answered " + answered + " of " + asked);
    }
  }

  /** A round in which no proxy listed a re-pin. */
  public PoolSessions(
      Map<BackendId, SessionStats> perBackend, int asked, int answered, List<String> missing, Instant at) {
    this(perBackend, asked, answered, missing, at, Map.of());
  }

  /** The sessions re-pinned away from {@code id} that the proxies still list; empty if none. */
  public Map<Long, SessionReports.Move> movedFrom(BackendId id) {
    return movedFrom.getOrDefault(id, Map.of());
  }

  /** No proxy to ask (none running or ready yet): nothing is known. */
  public static PoolSessions none(Instant at) {
    return new PoolSessions(Map.of(), 0, 0, List.of(), at);
  }

  /** Every proxy asked answered, and there was at least one. */
  public boolean complete() {
    return asked > 0 && answered == asked;
  }

  /** At least one proxy answered, so the figures mean something (perhaps partially). */
  public boolean known() {
    return answered > 0;
  }

  /** {@code answered/asked}, e.g. {@code 1/2}. */
  public String reportedBy() {
    return answered + "/" + asked;
  }

  /** The merged count of one backend; zero when it is in no answered report; empty when unknown. */
  public OptionalLong sessions(BackendId id) {
    if (!known()) {
      return OptionalLong.empty();
    }
    SessionStats s = perBackend.get(id);
    return OptionalLong.of(s == null || s.liveSessions() == null ? 0 : s.liveSessions());
  }

  /**
   * What the drain state machine may act on: everything only when the round is complete (a
   * backend no proxy listed then holds no session), otherwise nothing, so that drains wait for
   * their deadline or the next complete round.
   */
  public Map<BackendId, SessionStats> forDrain(Collection<BackendId> backends) {
    if (!complete()) {
      return Map.of();
    }
    Map<BackendId, SessionStats> out = new TreeMap<>(perBackend);
    backends.forEach(id -> out.putIfAbsent(id, SessionStats.of(0, null)));
    return out;
  }
}
