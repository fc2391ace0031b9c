package io.stickypool.operator.sessions;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.fabric8.kubernetes.api.model.Pod;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.drain.DrainPhase;
import io.stickypool.core.drain.DrainTransition;
import io.stickypool.operator.endpoints.BackendTransition;
import io.stickypool.operator.endpoints.EndpointSync;
import io.stickypool.operator.sessions.AdminTargetResolver;
import io.stickypool.operator.sessions.PoolSessions;
import io.stickypool.operator.sessions.SessionMoves;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session side of a reconcile: the pool's last session round (rounds run on their own
 * schedule, {@link SessionRoundSchedule}), and backends that left holding sessions followed until
 * the proxies' re-pins account for them. Per-pool memory by uid; pools
 * reconcile concurrently, each on one thread at a time.
 */
public final class PoolSessionRounds {
  private static final Logger LOG = LoggerFactory.getLogger(PoolSessionRounds.class);
  /** How long a leave's moves may stop growing before they are told: users come back at their own pace. */
  private static final Duration QUIET = Duration.ofSeconds(5);
  /** How long after a leave what is known is told at the latest, complete or not. */
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  /** Ways a backend lets go of its pinned sessions, so that proxies re-pin them elsewhere. */
  private static final Set<DrainTransition> LEAVES = EnumSet.of(DrainTransition.DRAIN_TIMED_OUT,
      DrainTransition.DRAIN_COMPLETED_SESSIONS_IDLE, DrainTransition.STOPPED_SERVING, DrainTransition.REMOVED);

  private final SessionRoundSchedule<ResourceID> schedule;
  private final AdminTargetResolver targets;
  private final Map<String, SessionMoves> moves = new ConcurrentHashMap<>();

  public PoolSessionRounds(SessionRoundSchedule<ResourceID> schedule, AdminTargetResolver targets) {
    this.schedule = schedule;
    this.targets = targets;
  }

  /** Where a round whose figures changed sends its pool: the controller's reconcile queue. */
  public void wakeWith(java.util.function.Consumer<ResourceID> wake) {
    schedule.wakeWith(wake);
  }

  /** The pool's last round (none before the first). */
  public PoolSessions latest(StickyPool pool, Instant now) {
    return schedule.latest(pool.getMetadata().getUid(), now);
  }

  /**
   * Tells the schedule the pool's proxies and pace: quick rounds while draining and while a
   * leave's moves still show up.
   */
  public void follow(StickyPool pool, List<Pod> proxyPods, boolean quick) {
    schedule.follow(ResourceID.fromResource(pool), pool.getMetadata().getUid(),
        AdminTargetResolver.targets(proxyPods, targets), quick);
  }

  /** The SessionsRebalanced messages this round completes. */
  public List<String> rebalanced(StickyPool pool, PoolSessions sessions, EndpointSync sync) {
    Map<BackendId, Instant> left = new TreeMap<>();
    for (BackendTransition t : sync.transitions()) {
      // A backend already drained or unavailable pinned nothing new when it finally went away.
      // Proxies re-pin a timed-out drain's sessions at the deadline on their own, before this
      // round saw it, so a round after the deadline may find the backend already empty and end
      // its drain as "no sessions left": that is a deadline too. Count what the backend held
      // before the deadline.
      boolean pastDeadline = t.drainDeadline() != null && !sessions.at().isBefore(t.drainDeadline())
          && (t.transition() == DrainTransition.DRAIN_TIMED_OUT
              || t.transition() == DrainTransition.DRAIN_COMPLETED_NO_SESSIONS);
      boolean leaves = LEAVES.contains(t.transition()) || pastDeadline;
      if (leaves && (t.from() == DrainPhase.ACTIVE || t.from() == DrainPhase.DRAINING)) {
        left.put(t.id(), pastDeadline ? t.drainDeadline() : sessions.at());
      }
    }
    return moves.computeIfAbsent(pool.getMetadata().getUid(), uid -> new SessionMoves(QUIET, PATIENCE))
        .round(sessions, left);
  }

  /** True while a backend's leave waits for the proxies' re-pins to account for its sessions. */
  public boolean settling(StickyPool pool) {
    SessionMoves m = moves.get(pool.getMetadata().getUid());
    return m != null && m.settling();
  }

  public void forget(String uid) {
    moves.remove(uid);
    schedule.forget(uid);
  }

  public void close() {
    schedule.close();
  }
}
