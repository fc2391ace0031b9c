package io.stickypool.demo;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.backend.BackendState;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.core.snapshot.CookieSettings;
import io.stickypool.core.snapshot.PlacementSettings;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.proxy.ProxyRuntime;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.health.HealthSettings;
import io.stickypool.proxy.http.ProxySettings;
import io.stickypool.proxy.routes.RoutesListener;
import io.stickypool.proxy.routes.RoutesSource;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The proxy-only demo ({@code demo --proxy-only}), on loopback with nothing to install: four real HTTP
 * backends, the real Netty proxy, and simulated users holding sticky sessions. Midway, backend
 * {@code web-0} starts draining (as when its pod terminates): its sessions stay until the
 * deadline, then each moves exactly once; nobody else moves; no request fails. The routes are
 * pushed by this script; {@link ClusterDemo} has the operator write them instead.
 */
public final class ProxyDemo {
  private final PrintStream out;
  private final int users;
  private final Duration drainFor;

  public ProxyDemo(PrintStream out, int users, Duration drainFor) {
    this.out = out;
    this.users = users;
    this.drainFor = drainFor;
  }

  /** Runs the story and returns its summary (also printed). */
  public DemoSummary run() throws Exception {
    List<DemoBackend> backends = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      backends.add(new DemoBackend("web-" + i));
    }
    PushSource routes = new PushSource(snapshot(backends, 1, Map.of()));
    ProxyRuntime proxy = ProxyRuntime.start(config(routes.first), routes, KeyRing.generate(new SecureRandom()));
    try (DemoUsers people = new DemoUsers(proxy.trafficAddress().getPort(), users, "sp-demo")) {
      out.println("== StickyPool proxy demo: 4 backends, the real proxy on " + proxy.trafficAddress() + " ==");
      people.round();
      out.println(users + " users opened sessions: " + people.perBackend());
      people.round();
      Instant deadline = Instant.now().plus(drainFor);
      out.println("web-0 starts draining (deadline in " + drainFor.toSeconds() + "s): its users stay until then, no new session goes there");
      routes.push(snapshot(backends, 2, Map.of("web-0", deadline)));
      while (Instant.now().isBefore(deadline)) {
        people.round();
      }
      routes.push(snapshot(backends, 3, Map.of("web-0", Instant.EPOCH)));
      out.println("web-0 passed its deadline and left the pool: its users move once");
      people.round();
      people.round();
      out.println("after the drain: " + people.perBackend());
      DemoSummary summary = people.summary();
      out.println(summary);
      return summary;
    } finally {
      proxy.shutdown(Duration.ofSeconds(1));
      backends.forEach(DemoBackend::close);
    }
  }

  private static RoutingSnapshot snapshot(List<DemoBackend> backends, long version, Map<String, Instant> leaving) {
    List<Backend> list = new ArrayList<>();
    for (DemoBackend b : backends) {
      Instant deadline = leaving.get(b.id());
      if (Instant.EPOCH.equals(deadline)) {
        continue; // gone from the snapshot
      }
      Backend backend = Backend.active(BackendId.of(b.id()), "127.0.0.1", b.port());
      list.add(deadline == null ? backend : backend.withState(BackendState.DRAINING, deadline));
    }
    return new RoutingSnapshot(
        version, AffinitySettings.cookie(CookieSettings.named("sp-demo")), PlacementSettings.defaults(), list);
  }

  private static ProxyConfig config(RoutingSnapshot first) {
    return new ProxyConfig(
        new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0), ProxySettings.defaults(),
        HealthSettings.defaults(), 100_000, 2, null, null, first);
  }

  /** Routes pushed by the demo, as the operator will push them through a ConfigMap. */
  private static final class PushSource implements RoutesSource {
    final RoutingSnapshot first;
    private RoutesListener listener;

    PushSource(RoutingSnapshot first) {
      this.first = first;
    }

    @Override
    public void start(RoutesListener l) {
      listener = l;
      l.onRoutes(first, describe());
    }

    void push(RoutingSnapshot s) {
      listener.onRoutes(s, describe());
    }

    @Override
    public String describe() {
      return "demo script";
    }

    @Override
    public void close() {}
  }

  static Map<String, Integer> sorted(Map<String, Integer> m) {
    return new TreeMap<>(m);
  }
}
