package io.stickypool.operator.sessions;

import io.stickypool.core.backend.BackendId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.ListIterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Tells where the sessions of a backend that left went: the survivors' count increase between the
 * last complete round taken by the time it left and a complete round after that, capped at what
 * the backend held. A few recent complete rounds are kept, because a backend may have left (a drain
 * deadline, after which proxies re-pin on their own) before the round that noticed it.
 *
 * <p>Proxies re-pin a session only when its user comes back, so the first round after a leave may
 * see only part of the moves. A leave is therefore told once the survivors' gains cover what it
 * held, or have not grown for {@code quiet} (a time, not a number of rounds: rounds come every
 * 250 ms while a drain settles, faster than users come back), or {@code patience} after the leave;
 * without a complete round by then, it says what is known and that the figure is partial. One
 * message per leave. One instance per pool; synchronized, though a pool reconciles on one thread
 * at a time.
 */
public final class SessionMoves {
  /**
   * @param seen the most moves a complete round after the leave showed; -1 before one came
   * @param grewAt when {@code seen} last grew (or was reset)
   */
  private record Leave(BackendId id, long held, Map<BackendId, Long> before, Instant baselineAt, Instant leftAt,
      long seen, Instant grewAt) {
    Leave next(long movedNow, Instant at) {
      return movedNow > seen ? new Leave(id, held, before, baselineAt, leftAt, movedNow, at) : this;
    }

    Leave unseen(Instant at) {
      return new Leave(id, held, before, baselineAt, leftAt, -1, at);
    }
  }

  private final Duration quiet;
  private final Duration patience;
  private static final int HISTORY = 32;
  private record Round(Instant at, Map<BackendId, Long> counts) {}
  /** A leave already told: what each survivor was credited with, against which baseline, measured when. */
  private record Told(Instant at, Map<BackendId, Long> before, Map<BackendId, Long> credited) {}
  private final java.util.ArrayDeque<Round> history = new java.util.ArrayDeque<>();
  private final java.util.ArrayDeque<Told> told = new java.util.ArrayDeque<>();
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
    return round(now, left, Set.of());
  }

  /**
   * As {@link #round(PoolSessions, Map)}, knowing which backends are about to leave too (draining,
   * with a deadline within {@code quiet}): a leave is not told while one of them may still join,
   * since the survivors' gains from both cannot be told apart and the first told would claim the
   * second's moves. Scale-downs drain their pods together, a fraction of a second apart.
   */
  public synchronized List<String> round(PoolSessions now, Map<BackendId, Instant> left, Set<BackendId> leavingSoon) {
    List<String> out = new ArrayList<>();
    // Backends that leave together share the survivors' gains (see allocate): the counts cannot
    // tell whose users went where, and giving each all of them would count twice.
    Map<BackendId, Long> allocated = now.known() ? allocate(now) : Map.of();
    // A backend leaving in this very round shares what the survivors gained: tell nothing before it joins.
    boolean joining = left.keySet().stream().anyMatch(id -> pending.stream().noneMatch(l -> l.id().equals(id)));
    for (ListIterator<Leave> it = pending.listIterator(); it.hasNext(); ) {
      Leave leave = it.next();
      long moved = allocated.getOrDefault(leave.id(), 0L);
      long gained = gained(leave, now);
      double share = gained == 0 ? 0 : (double) moved / gained;
      Leave grown = now.complete() ? leave.next(moved, now.at()) : leave;
      boolean settled = now.complete() && (grown.seen() >= leave.held()
          || (grown.seen() >= 0 && !now.at().isBefore(grown.grewAt().plus(quiet))));
      boolean othersFollow = joining || leavingSoon.stream().anyMatch(id -> !id.equals(leave.id()));
      if ((settled && !othersFollow) || !now.at().isBefore(leave.leftAt().plus(patience))) {
        Map<BackendId, Long> credited = now.known() ? credited(leave, now, share) : Map.of();
        out.add(describe(leave, now, credited));
        told.addLast(new Told(now.at(), leave.before(), credited));
        if (told.size() > HISTORY) {
          told.removeFirst();
        }
        it.remove();
      } else {
        it.set(grown);
      }
    }
    if (now.complete()) {
      history.addLast(new Round(now.at(), counts(now)));
      if (history.size() > HISTORY) {
        history.removeFirst();
      }
    }
    int following = pending.size();
    for (Map.Entry<BackendId, Instant> leave : left.entrySet()) {
      BackendId id = leave.getKey();
      Round baseline = roundAt(leave.getValue());
      long held = baseline.counts().getOrDefault(id, 0L);
      if (held > 0) {
        Map<BackendId, Long> before = new TreeMap<>(baseline.counts());
        before.remove(id);
        pending.add(new Leave(id, held, withToldMovesSince(baseline.at(), id, before), baseline.at(), now.at(), -1,
            now.at()));
      }
    }
    if (pending.size() > following) {
      // A leave that joins takes a share of the gains the earlier ones were measured against, so
      // their next figure drops without any session moving back: "stopped growing" must compare
      // two rounds measured with the same sharing.
      pending.replaceAll(l -> l.unseen(now.at()));
    }
    return out;
  }

  /** The last complete round at or before {@code when}; the oldest one kept if all are later. */
  private Round roundAt(Instant when) {
    Round found = history.isEmpty() ? new Round(Instant.MIN, Map.of()) : history.peekFirst();
    for (Round r : history) {
      if (!r.at().isAfter(when)) {
        found = r;
      }
    }
    return found;
  }

  /**
   * A baseline taken at {@code baselineAt} plus the moves of leaves told after it that it does not
   * show yet: two drains ending close together are followed from an older round than the one that
   * told the first, whose gains would otherwise be claimed again by the second.
   */
  private Map<BackendId, Long> withToldMovesSince(Instant baselineAt, BackendId leaving, Map<BackendId, Long> before) {
    for (Told t : told) {
      if (!t.at().isAfter(baselineAt)) {
        continue;
      }
      t.credited().forEach((survivor, moved) -> {
        if (!survivor.equals(leaving)) {
          long alreadyShown = Math.max(0, before.getOrDefault(survivor, 0L) - t.before().getOrDefault(survivor, 0L));
          before.merge(survivor, Math.max(0, moved - alreadyShown), Long::sum);
        }
      });
    }
    return before;
  }

  /** True while a leave waits for its moves to show: rounds should then come quickly. */
  public synchronized boolean settling() {
    return !pending.isEmpty();
  }

  /** The survivors' total count increase since this leave's baseline. */
  private static long gained(Leave leave, PoolSessions now) {
    return counts(now).entrySet().stream().filter(e -> !e.getKey().equals(leave.id()))
        .mapToLong(e -> Math.max(0, e.getValue() - leave.before().getOrDefault(e.getKey(), 0L))).sum();
  }

  /**
   * Splits the survivors' gains among the pending leaves, oldest baseline first: what they gained
   * before a later leave's baseline belongs to the leaves followed by then; what came after is
   * shared by all of them, in proportion to what each still has to account for. Each is capped at
   * what it held.
   */
  private Map<BackendId, Long> allocate(PoolSessions now) {
    List<Leave> order = pending.stream()
        .sorted(Comparator.comparing(Leave::baselineAt).thenComparing(Leave::id)).toList();
    int k = order.size();
    long[] gained = order.stream().mapToLong(l -> gained(l, now)).toArray();
    long[] remaining = order.stream().mapToLong(Leave::held).toArray();
    Map<BackendId, Long> out = new TreeMap<>();
    for (int j = 0; j < k; j++) {
      long segment = Math.max(0, gained[j] - (j + 1 < k ? gained[j + 1] : 0));
      long owed = 0;
      for (int i = 0; i <= j; i++) {
        owed += remaining[i];
      }
      for (int i = 0; i <= j && segment > 0 && owed > 0; i++) {
        long take = Math.min(remaining[i], Math.round((double) segment * remaining[i] / owed));
        out.merge(order.get(i).id(), take, Long::sum);
        remaining[i] -= take;
      }
    }
    return out;
  }

  /** Each survivor's count increase since the leave, times this leave's share of it. */
  private static List<Map.Entry<BackendId, Long>> gains(Leave leave, PoolSessions now, double share) {
    return counts(now).entrySet().stream()
        .filter(e -> !e.getKey().equals(leave.id()))
        .map(e -> Map.entry(e.getKey(),
            Math.round((e.getValue() - leave.before().getOrDefault(e.getKey(), 0L)) * share)))
        .filter(e -> e.getValue() > 0)
        .sorted(Comparator.comparing((Map.Entry<BackendId, Long> e) -> -e.getValue())
            .thenComparing(Map.Entry::getKey))
        .toList();
  }

  /** Survivor -> the sessions of this leave told as moved there, largest first, capped at what it held. */
  private static Map<BackendId, Long> credited(Leave leave, PoolSessions now, double share) {
    Map<BackendId, Long> credited = new java.util.LinkedHashMap<>();
    long left = leave.held();
    for (Map.Entry<BackendId, Long> g : gains(leave, now, share)) {
      long moved = Math.min(left, g.getValue());
      if (moved > 0) {
        credited.put(g.getKey(), moved);
        left -= moved;
      }
    }
    return credited;
  }

  private static String describe(Leave leave, PoolSessions now, Map<BackendId, Long> credited) {
    String from = leave.id().value();
    if (!now.known()) {
      return leave.held() + " sessions left " + from + "; where they went is unknown (no proxy answered"
          + " in " + Duration.between(leave.leftAt(), now.at()).toSeconds() + "s)";
    }
    List<String> parts = new ArrayList<>();
    credited.forEach((to, n) -> parts.add(to.value() + " (+" + n + ")"));
    long moved = credited.values().stream().mapToLong(Long::longValue).sum();
    long left = leave.held() - moved;
    StringBuilder msg = new StringBuilder();
    if (moved == 0) {
      msg.append("none of the ").append(leave.held()).append(" sessions of ").append(from)
          .append(" showed up on another backend");
    } else {
      msg.append(moved).append(" sessions moved from ").append(from).append(" to ")
          .append(String.join(", ", parts));
      if (left > 0) {
        msg.append(" (of ").append(leave.held()).append(" it held)");
      }
    }
    if (!now.complete()) {
      msg.append("; partial figure, ").append(now.reportedBy()).append(" proxies answered");
    }
    return msg.toString();
  }

  private static Map<BackendId, Long> counts(PoolSessions s) {
    return s.perBackend().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
        e -> s.sessions(e.getKey()).orElse(0), (a, b) -> a, TreeMap::new));
  }
}
