package io.stickypool.operator.sessions;

import io.stickypool.contract.SessionReports.Move;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.session.RepinReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Tells where the sessions of a backend that left went, from what the proxies re-pinned: each
 * proxy lists the sessions it moved away from a backend (where to, why), the rounds merge them so a
 * session counts once over the replicas, and this class adds up, per leave, every session moved
 * away from the backend after its baseline round (the last complete round taken by the time it
 * left: a backend may have left at a drain deadline, after which proxies re-pin on their own,
 * before the round that noticed it). Sessions already listed as moved in the baseline round moved
 * earlier and are not this leave's.
 *
 * <p>Proxies re-pin a session only when its user comes back, and list it while its entry lives, so
 * the moves are accumulated over rounds. A leave is told once every session it held is accounted
 * for (moved, or no longer listed on it: idle), or its moves have not grown for {@code quiet} (a
 * time, not a number of rounds: rounds come every 250 ms while a drain settles, faster than users
 * come back), or {@code patience} after the leave; without a complete round by then, it says what
 * is known and that the figure is partial. One message per leave. One instance per pool;
 * synchronized, though a pool reconciles on one thread at a time.
 */
public final class SessionMoves {
  private static final int HISTORY = 32;

  /** A complete round: what each backend held and which sessions were already listed as moved. */
  private record Round(Instant at, Map<BackendId, Long> counts, Map<BackendId, Map<Long, Move>> moved) {}

  /** A backend followed since it left, with the moves seen so far (mixed key -> latest move). */
  private static final class Leave {
    final BackendId id;
    final long held;
    final Set<Long> movedBefore;
    final Instant leftAt;
    final Map<Long, Move> moved = new HashMap<>();
    Instant grewAt;

    Leave(BackendId id, long held, Set<Long> movedBefore, Instant leftAt) {
      this.id = id;
      this.held = held;
      this.movedBefore = movedBefore;
      this.leftAt = leftAt;
      this.grewAt = leftAt;
    }

    /** Adds this round's moves away from the backend; true if any was new. */
    boolean add(Map<Long, Move> now) {
      int before = moved.size();
      now.forEach((key, move) -> {
        if (!movedBefore.contains(key)) {
          moved.put(key, move);
        }
      });
      return moved.size() > before;
    }
  }

  private final Duration quiet;
  private final Duration patience;
  private final ArrayDeque<Round> history = new ArrayDeque<>();
  private final List<Leave> pending = new ArrayList<>();

  public SessionMoves(Duration quiet, Duration patience) {
    this.quiet = quiet;
    this.patience = patience;
  }

  /**
   * Call once per round, after the sync that saw {@code left} go.
   *
   * @param left backends that stopped holding sessions in this round (timed out, stopped serving,
   *     removed while active or draining, drained with idle sessions left)
   * @return the messages to emit now, one per finished leave
   */
  public synchronized List<String> round(PoolSessions now, Set<BackendId> left) {
    Map<BackendId, Instant> since = new TreeMap<>();
    left.forEach(id -> since.put(id, now.at()));
    return round(now, since);
  }

  /**
   * As {@link #round(PoolSessions, Set)}, with when each backend stopped holding sessions: what it
   * held is read from the last complete round taken at or before that time.
   */
  public synchronized List<String> round(PoolSessions now, Map<BackendId, Instant> left) {
    if (now.complete()) {
      history.addLast(new Round(now.at(), counts(now), now.movedFrom()));
      if (history.size() > HISTORY) {
        history.removeFirst();
      }
    }
    left.forEach((id, at) -> follow(id, at, now.at()));
    List<String> out = new ArrayList<>();
    for (Iterator<Leave> it = pending.iterator(); it.hasNext(); ) {
      Leave leave = it.next();
      if (now.known() && leave.add(now.movedFrom(leave.id))) {
        leave.grewAt = now.at();
      }
      if (finished(leave, now)) {
        out.add(describe(leave, now));
        it.remove();
      }
    }
    return out;
  }

  /** True while a leave waits for its moves to show: rounds should then come quickly. */
  public synchronized boolean settling() {
    return !pending.isEmpty();
  }

  private void follow(BackendId id, Instant leftAt, Instant now) {
    if (pending.stream().anyMatch(l -> l.id.equals(id))) {
      return;
    }
    Round baseline = roundAt(leftAt);
    long held = baseline.counts().getOrDefault(id, 0L);
    if (held > 0) {
      pending.add(new Leave(id, held, Set.copyOf(baseline.moved().getOrDefault(id, Map.of()).keySet()), now));
    }
  }

  private boolean finished(Leave leave, PoolSessions now) {
    if (!now.at().isBefore(leave.leftAt.plus(patience))) {
      return true;
    }
    if (!now.complete()) {
      return false;
    }
    boolean accountedFor = leave.moved.size() >= leave.held || now.sessions(leave.id).orElse(1) == 0;
    return accountedFor || !now.at().isBefore(leave.grewAt.plus(quiet));
  }

  /** The last complete round at or before {@code when}; the oldest one kept if all are later. */
  private Round roundAt(Instant when) {
    Round found = history.isEmpty() ? new Round(Instant.MIN, Map.of(), Map.of()) : history.peekFirst();
    for (Round r : history) {
      if (!r.at().isAfter(when)) {
        found = r;
      }
    }
    return found;
  }

  private static String describe(Leave leave, PoolSessions now) {
    String from = leave.id.value();
    if (!now.known()) {
      return leave.held + " sessions left " + from + "; where they went is unknown (no proxy answered"
          + " in " + Duration.between(leave.leftAt, now.at()).toSeconds() + "s)";
    }
    long moved = leave.moved.size();
    long held = Math.max(leave.held, moved);
    StringBuilder msg = new StringBuilder();
    if (moved == 0) {
      msg.append("none of the ").append(held).append(" sessions of ").append(from)
          .append(" was re-pinned to another backend");
    } else {
      msg.append(moved).append(" sessions moved from ").append(from).append(" to ").append(targets(leave));
      if (moved < held) {
        msg.append(" (of ").append(held).append(" it held)");
      }
      msg.append(", re-pinned by the proxies ").append(reasons(leave));
    }
    if (!now.complete()) {
      msg.append("; partial figure, ").append(now.reportedBy()).append(" proxies answered");
    }
    return msg.toString();
  }

  /** {@code web-0 (+4), web-2 (+2)}: largest first. */
  private static String targets(Leave leave) {
    Map<BackendId, Long> to = new TreeMap<>();
    leave.moved.values().forEach(m -> to.merge(m.to(), 1L, Long::sum));
    return String.join(", ", to.entrySet().stream()
        .sorted(Comparator.comparing((Map.Entry<BackendId, Long> e) -> -e.getValue()).thenComparing(Map.Entry::getKey))
        .map(e -> e.getKey().value() + " (+" + e.getValue() + ")").toList());
  }

  /** {@code when it drained}, or {@code (48 when it drained, 2 when it failed)} when reasons differ. */
  private static String reasons(Leave leave) {
    Map<RepinReason, Long> why = new EnumMap<>(RepinReason.class);
    leave.moved.values().forEach(m -> why.merge(m.reason(), 1L, Long::sum));
    if (why.size() == 1) {
      return when(why.keySet().iterator().next());
    }
    List<String> parts = new ArrayList<>();
    why.forEach((reason, n) -> parts.add(n + " " + when(reason)));
    return "(" + String.join(", ", parts) + ")";
  }

  private static String when(RepinReason reason) {
    return switch (reason) {
      case DRAINED -> "when it drained";
      case FAILOVER -> "when it failed";
      case REMOVED -> "when it was removed";
    };
  }

  private static Map<BackendId, Long> counts(PoolSessions s) {
    Map<BackendId, Long> counts = new TreeMap<>();
    s.perBackend().keySet().forEach(id -> counts.put(id, s.sessions(id).orElse(0)));
    return counts;
  }
}
