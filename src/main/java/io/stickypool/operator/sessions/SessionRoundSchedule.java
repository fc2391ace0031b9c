package io.stickypool.operator.sessions;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session rounds on their own clock, apart from reconciles: each pool's proxies are asked every
 * refresh (more often while it drains), at a slot of its own within the period, so that a
 * thousand pools make a steady trickle of rounds instead of bursts in step. A round whose figures
 * differ from the pool's last one wakes the pool's reconcile; an idle pool's rounds wake nothing.
 *
 * <p>The reconcile tells the schedule who the proxies are and how fast to go ({@link #follow}) and
 * reads the last round ({@link #latest}). Rounds run on a small pool of daemon threads; a round
 * waits for its proxies at most the collector's deadline.
 *
 * @param <K> how pools are named to the wake-up (JOSDK's ResourceID)
 */
public final class SessionRoundSchedule<K> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SessionRoundSchedule.class);
  private static final int THREADS = 4;

  private final SessionCollector collector;
  private final Duration refresh;
  private final Duration quick;
  private final ScheduledExecutorService rounds = Executors.newScheduledThreadPool(THREADS, r -> {
    Thread t = new Thread(r, "session-rounds");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Followed<K>> pools = new ConcurrentHashMap<>();
  private volatile Consumer<K> wake = k -> { };

  /** What the schedule knows of one pool; guarded by its own monitor. */
  private static final class Followed<K> {
    final K pool;
    List<AdminTarget> targets = List.of();
    boolean quick;
    PoolSessions latest;
    ScheduledFuture<?> next;

    Followed(K pool) {
      this.pool = pool;
    }
  }

  public SessionRoundSchedule(SessionCollector collector, Duration refresh, Duration quick) {
    this.collector = collector;
    this.refresh = refresh;
    this.quick = quick;
  }

  /** Where a round with changed figures sends its pool; set once the controller's event sources exist. */
  public void wakeWith(Consumer<K> wake) {
    this.wake = Objects.requireNonNull(wake);
  }

  /**
   * Starts following the pool, or updates what is followed. New or changed proxies are asked at
   * once; so is a pool that turns quick (a drain began).
   */
  public void follow(K pool, String uid, List<AdminTarget> targets, boolean quickRounds) {
    Followed<K> f = pools.computeIfAbsent(uid, u -> new Followed<>(pool));
    synchronized (f) {
      boolean first = f.next == null;
      boolean sooner = !targets.equals(f.targets) || (quickRounds && !f.quick);
      f.targets = List.copyOf(targets);
      f.quick = quickRounds;
      if (first || sooner) {
        if (f.next != null) {
          f.next.cancel(false);
        }
        f.next = rounds.schedule(() -> round(uid), 0, TimeUnit.MILLISECONDS);
      }
    }
  }

  /** The pool's last round; "none" before its first. */
  public PoolSessions latest(String uid, java.time.Instant now) {
    Followed<K> f = pools.get(uid);
    if (f == null) {
      return PoolSessions.none(now);
    }
    synchronized (f) {
      return f.latest != null ? f.latest : PoolSessions.none(now);
    }
  }

  public void forget(String uid) {
    Followed<K> f = pools.remove(uid);
    if (f != null) {
      synchronized (f) {
        if (f.next != null) {
          f.next.cancel(false);
        }
      }
    }
  }

  @Override
  public void close() {
    rounds.shutdownNow();
  }

  private void round(String uid) {
    Followed<K> f = pools.get(uid);
    if (f == null) {
      return;
    }
    List<AdminTarget> targets;
    synchronized (f) {
      targets = f.targets;
    }
    PoolSessions now;
    try {
      now = collector.collect(targets);
    } catch (RuntimeException e) {
      LOG.warn("session round failed: {}", e.toString());
      now = null;
    }
    boolean changed;
    synchronized (f) {
      changed = now != null && !sameFigures(f.latest, now);
      if (changed && !now.missing().isEmpty()) {
        LOG.info("pool {}: session figure partial ({} proxies answered): {}", f.pool, now.reportedBy(), now.missing());
      }
      if (now != null) {
        f.latest = now;
      }
      if (pools.get(uid) == f) {
        long delay = f.quick ? quick.toMillis() : untilPhase(uid, refresh, System.currentTimeMillis());
        f.next = rounds.schedule(() -> round(uid), delay, TimeUnit.MILLISECONDS);
      }
    }
    if (changed) {
      wake.accept(f.pool);
    }
  }

  /** What a reconcile acts on: counts per backend and who answered; activity times alone are no change. */
  static boolean sameFigures(PoolSessions before, PoolSessions after) {
    if (before == null) {
      return false;
    }
    if (before.asked() != after.asked() || before.answered() != after.answered()
        || !before.perBackend().keySet().equals(after.perBackend().keySet())) {
      return false;
    }
    return before.perBackend().keySet().stream()
        .allMatch(id -> before.sessions(id).equals(after.sessions(id)));
  }

  /**
   * Milliseconds until the pool's next slot: each pool has a fixed offset within the period, from
   * its uid, so pools that all started at once (an operator restart) spread out after their first
   * round and stay spread. Never less than half a period, so a round that ran early is not
   * followed by another at once.
   */
  static long untilPhase(String uid, Duration period, long nowMillis) {
    long p = Math.max(1, period.toMillis());
    long phase = Math.floorMod(uid.hashCode() * 0x9E3779B1L, p);
    long delay = Math.floorMod(phase - nowMillis, p);
    return delay < p / 2 ? delay + p : delay;
  }
}
