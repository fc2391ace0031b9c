package io.stickypool.proxy;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.route.PassiveHealth;
import io.stickypool.core.session.SessionTable;
import io.stickypool.proxy.http.OpenConnections;
import io.stickypool.proxy.routing.CompiledRoutes;
import io.stickypool.proxy.routing.RoutingState;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's once-a-second chores, on one daemon thread: idle sessions expire, ejections whose
 * time is up end, tunnels to backends past their drain deadline close, and the meters of backends
 * that left the routes go once their retention is over. A chore that fails is logged and the others still run.
 */
final class Housekeeping implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);

  private final Clock clock;
  private final SessionTable sessions;
  private final PassiveHealth health;
  private final RoutingState state;
  private final OpenConnections connections;
  private final DepartedBackends departed;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sp-housekeeping");
        t.setDaemon(true);
        return t;
      });

  Housekeeping(Clock clock, SessionTable sessions, PassiveHealth health, RoutingState state,
      OpenConnections connections, DepartedBackends departed) {
    this.clock = clock;
    this.sessions = sessions;
    this.health = health;
    this.state = state;
    this.connections = connections;
    this.departed = departed;
  }

  void start() {
    timer.scheduleWithFixedDelay(this::round, 1, 1, TimeUnit.SECONDS);
  }

  private void round() {
    run("expiring idle sessions", sessions::expireIdle);
    run("ending ejections", this::endEjections);
    run("closing tunnels past their deadline", this::closeTunnelsPastDeadline);
    run("removing departed backends' meters", departed::sweepMeters);
  }

  private static void run(String chore, Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.warn("housekeeping failed {}", chore, e);
    }
  }

  private void endEjections() {
    if (health.release()) {
      state.passiveDown(health.ejected());
    }
  }

  /** WebSocket tunnels to a backend end cleanly when its drain deadline passes or it leaves. */
  private void closeTunnelsPastDeadline() {
    CompiledRoutes r = state.current();
    if (r == null) {
      return;
    }
    Instant now = clock.instant();
    for (BackendId id : connections.tunnelBackends()) {
      Backend b = r.table().snapshot().backend(id);
      if (b == null || !b.servesPinnedSessionsAt(now)) {
        int closed = connections.closeTunnels(id);
        LOG.info("closed {} tunnel(s) to backend {}: it no longer serves pinned sessions", closed, id);
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
