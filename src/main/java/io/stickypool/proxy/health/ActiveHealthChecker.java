package io.stickypool.proxy.health;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.proxy.routing.CompiledRoutes;
import io.stickypool.proxy.routing.RoutingState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Optional active health checks: every interval, GET the check path on each backend that serves
 * traffic; a backend goes down after {@code unhealthyThreshold} failures in a row and comes back
 * after {@code healthyThreshold} successes in a row. Checks run asynchronously on the JDK HTTP
 * client, never on the proxy's event loops. A backend starts healthy, so a proxy that just started
 * routes at once instead of waiting for a first round of checks.
 */
public final class ActiveHealthChecker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ActiveHealthChecker.class);

  private final HealthSettings.ActiveCheck check;
  private final RoutingState routes;
  private final Consumer<Set<BackendId>> onChange;
  private final HttpClient client;
  private final ScheduledExecutorService timer;
  private final Map<BackendId, Streak> streaks = new ConcurrentHashMap<>();
  private volatile Set<BackendId> down = Set.of();

  public ActiveHealthChecker(HealthSettings.ActiveCheck check, RoutingState routes, Consumer<Set<BackendId>> onChange) {
    this.check = check;
    this.routes = routes;
    this.onChange = onChange;
    this.client = HttpClient.newBuilder().connectTimeout(check.timeout()).version(HttpClient.Version.HTTP_1_1).build();
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sp-health");
      t.setDaemon(true);
      return t;
    });
  }

  public void start() {
    long millis = check.interval().toMillis();
    timer.scheduleWithFixedDelay(this::round, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** The backends the checks currently find down. */
  public Set<BackendId> down() {
    return down;
  }

  private void round() {
    CompiledRoutes current = routes.current();
    if (current == null) {
      return;
    }
    Set<BackendId> listed = new HashSet<>();
    for (Backend b : current.table().snapshot().backends()) {
      listed.add(b.id());
      if (b.state().servesPinnedSessions()) {
        probe(b);
      }
    }
    streaks.keySet().retainAll(listed);
  }

  private void probe(Backend b) {
    URI uri = URI.create("http://" + hostForUri(b.host()) + ":" + b.port() + check.path());
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(check.timeout()).GET().build();
    client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .whenComplete((response, error) -> {
          boolean ok = error == null && response.statusCode() >= 200 && response.statusCode() < 400;
          record(b.id(), ok, error != null ? error.toString() : "status " + response.statusCode());
        });
  }

  private static String hostForUri(String host) {
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private void record(BackendId id, boolean ok, String detail) {
    Streak s = streaks.computeIfAbsent(id, k -> new Streak());
    boolean changed;
    synchronized (s) {
      changed = s.record(ok, check.healthyThreshold(), check.unhealthyThreshold());
    }
    if (changed) {
      LOG.warn("active health check: backend {} is now {} ({})", id, s.down ? "DOWN" : "UP", detail);
      publish();
    }
  }

  private synchronized void publish() {
    Set<BackendId> now = new HashSet<>();
    streaks.forEach((id, s) -> {
      if (s.down) {
        now.add(id);
      }
    });
    down = Set.copyOf(now);
    onChange.accept(down);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /** Consecutive results of one backend; true from {@link #record} when up/down flipped. */
  private static final class Streak {
    boolean down;
    int run;

    boolean record(boolean ok, int healthyThreshold, int unhealthyThreshold) {
      if (ok == !down) {
        run = 0;
        return false;
      }
      run++;
      if (run >= (down ? healthyThreshold : unhealthyThreshold)) {
        down = !down;
        run = 0;
        return true;
      }
      return false;
    }
  }
}
