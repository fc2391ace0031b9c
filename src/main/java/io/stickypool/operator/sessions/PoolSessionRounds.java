package io.stickypool.operator.sessions;

import io.fabric8.kubernetes.api.model.Pod;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.drain.DrainPhase;
import io.stickypool.core.drain.DrainTransition;
import io.stickypool.operator.endpoints.BackendTransition;
import io.stickypool.operator.endpoints.EndpointSync;
import io.stickypool.operator.sessions.AdminTargetResolver;
import io.stickypool.operator.sessions.PoolSessions;
import io.stickypool.operator.sessions.SessionCollector;
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
 * The session side of a reconcile: asks the pool's proxies, and follows backends that left holding
 * sessions until the proxies' re-pins account for them. Per-pool memory by uid; pools
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

  private final SessionCollector collector;
  private final AdminTargetResolver targets;
  private final Map<String, SessionMoves> moves = new ConcurrentHashMap<>();

  public PoolSessionRounds(SessionCollector collector, AdminTargetResolver targets) {
    this.collector = collector;
    this.targets = targets;
  }

  public PoolSessions collect(StickyPool pool, List<Pod> proxyPods) {
    PoolSessions s = collector.collect(AdminTargetResolver.targets(proxyPods, targets));
    if (!s.missing().isEmpty()) {
      LOG.info("StickyPool {}/{}: session figure partial ({} proxies answered): {}",
          pool.getMetadata().getNamespace(), pool.getMetadata().getName(), s.reportedBy(), s.missing());
    }
    return s;
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
  }
}
