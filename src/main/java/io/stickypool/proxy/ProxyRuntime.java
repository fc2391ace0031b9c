package io.stickypool.proxy;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.cookie.CookieCodec;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.core.route.AffinityRouter;
import io.stickypool.core.route.PassiveHealth;
import io.stickypool.core.session.SessionTable;
import io.stickypool.core.snapshot.CookieSettings;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.proxy.admin.AdminServer;
import io.stickypool.proxy.admin.ProxyAdminEndpoints;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.health.ActiveHealthChecker;
import io.stickypool.proxy.http.ProxyContext;
import io.stickypool.proxy.metrics.ProxyMetrics;
import io.stickypool.proxy.routes.RoutesListener;
import io.stickypool.proxy.routes.RoutesSource;
import io.stickypool.proxy.routing.AffinityRequestRouter;
import io.stickypool.proxy.routing.CompiledRoutes;
import io.stickypool.proxy.routing.RoutingState;
import io.stickypool.proxy.server.ProxyServer;
import io.stickypool.proxy.server.Transport;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running affinity proxy: the traffic listener, the admin listener, the routes source and the
 * housekeeping that expires idle sessions, ends ejections and closes tunnels to backends whose
 * drain deadline passed. The same runtime serves standalone (file routes) and in a pod (ConfigMap
 * routes); only the {@link RoutesSource} differs.
 */
public final class ProxyRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyRuntime.class);

  private final ProxyConfig config;
  private final Clock clock;
  private final RoutesSource routes;
  private final ProxyMetrics metrics = new ProxyMetrics();
  private final SessionTable sessions;
  private final AffinityRouter router;
  private final PassiveHealth health;
  private final RoutingState state;
  private final ProxyServer server;
  private final AdminServer admin;
  private final ScheduledExecutorService housekeeping;
  private final ActiveHealthChecker activeHealth;
  private io.micrometer.core.instrument.MultiGauge perBackendSessions;
  private volatile KeyRing keys;
  private volatile CookieSettings cookieSettings;
  private volatile String routesProblem;
  private volatile boolean shuttingDown;
  private ProxyServer.ShutdownReport shutdownReport;
  private InetSocketAddress trafficAddress;
  private InetSocketAddress adminAddress;

  private ProxyRuntime(ProxyConfig config, RoutesSource routes, KeyRing keys, Clock clock) throws Exception {
    this.config = config;
    this.routes = routes;
    this.keys = keys;
    this.clock = clock;
    this.cookieSettings = config.routes().affinity().cookie();
    this.sessions = new SessionTable(config.maxSessions(), cookieSettings.idleTimeout(), clock);
    this.router = new AffinityRouter(CookieCodec.of(keys, clock, cookieSettings), sessions, clock);
    this.health = new PassiveHealth(config.health().consecutiveFailures(), config.health().ejectFor(), clock);
    Transport transport = config.transport().resolve(config.listen());
    int workers = config.workerThreads() == 0 ? Runtime.getRuntime().availableProcessors() : config.workerThreads();
    this.state = new RoutingState(this::onPublished);
    ProxyContext context =
        new ProxyContext(
            new AffinityRequestRouter(state, router, metrics, health),
            config.limits(),
            transport,
            address -> {
              CompiledRoutes r = state.current();
              return r != null && address != null && r.trustsProxy(address);
            });
    this.server = new ProxyServer(context, transport, workers);
    String token = config.adminTokenFile() == null ? null : Files.readString(config.adminTokenFile()).trim();
    this.admin =
        new AdminServer(
            ProxyAdminEndpoints.routes(token, instanceName(), clock, state, sessions, metrics, this::refreshGauges, () -> shuttingDown,
                routes::describe, () -> routesProblem, new ProxyAdminEndpoints.ReadinessOverride()),
            transport);
    this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sp-housekeeping");
      t.setDaemon(true);
      return t;
    });
    this.activeHealth =
        config.health().active() == null
            ? null
            : new ActiveHealthChecker(config.health().active(), state, state::activeDown);
    registerGauges();
  }

  /** Starts listeners, admin, routes and key sources; returns once traffic is accepted. */
  public static ProxyRuntime start(ProxyConfig config, RoutesSource routes, KeyRing initialKeys) throws Exception {
    return start(config, routes, initialKeys, Clock.systemUTC());
  }

  static ProxyRuntime start(ProxyConfig config, RoutesSource routes, KeyRing keys, Clock clock) throws Exception {
    ProxyRuntime runtime = new ProxyRuntime(config, routes, keys, clock);
    runtime.adminAddress = runtime.admin.start(config.admin());
    runtime.routes.start(runtime.new Listener());
    runtime.trafficAddress = runtime.server.start(config.listen());
    runtime.housekeeping.scheduleWithFixedDelay(runtime::housekeep, 1, 1, TimeUnit.SECONDS);
    if (runtime.activeHealth != null) {
      runtime.activeHealth.start();
    }
    return runtime;
  }

  private final class Listener implements RoutesListener {
    @Override
    public void onRoutes(RoutingSnapshot snapshot, String origin) {
      CookieSettings newCookie = snapshot.affinity().cookie();
      if (!newCookie.equals(cookieSettings)) {
        cookieSettings = newCookie;
        router.useCodec(CookieCodec.of(keys, clock, newCookie));
      }
      if (state.apply(snapshot)) {
        LOG.info("routes version {} applied from {}: {} backend(s)", snapshot.version(), origin, snapshot.backends().size());
      }
      routesProblem = null;
      metrics.count("stickypool_config_reloads", "Routing snapshots received, by result", "result", "applied");
    }

    @Override
    public void onRoutesError(String origin, String detail) {
      routesProblem = detail;
      LOG.error("routes from {} rejected, keeping the last good snapshot: {}", origin, detail);
      metrics.count("stickypool_config_reloads", "Routing snapshots received, by result", "result", "rejected");
    }
  }

  /** Installs rotated signing keys: new cookies are signed with the newest, older ones still verify. */
  public void updateKeys(KeyRing newKeys) {
    this.keys = newKeys;
    router.useCodec(CookieCodec.of(newKeys, clock, cookieSettings));
    LOG.info("signing keys updated: {} key(s), signing with key id {}", newKeys.keys().size(), newKeys.signingKey().id());
  }

  /** After new routes are live: idle pooled connections to departed backends are closed. */
  private void onPublished(CompiledRoutes published) {
    Set<InetSocketAddress> wanted = new HashSet<>();
    for (Backend b : published.table().backends()) {
      wanted.add(new InetSocketAddress(b.host(), b.port()));
    }
    for (EventExecutor loop : server.workers()) {
      ((EventLoop) loop).execute(() -> server.context().pool().retainOnly(wanted));
    }
    health.retainOnly(published.table().snapshot().backends().stream().map(Backend::id).collect(java.util.stream.Collectors.toSet()));
  }

  private void housekeep() {
    try {
      sessions.expireIdle();
      if (health.release()) {
        state.passiveDown(health.ejected());
      }
      closeTunnelsPastDeadline();
    } catch (RuntimeException e) {
      LOG.warn("housekeeping failed", e);
    }
  }

  /** WebSocket tunnels to a backend end cleanly when its drain deadline passes or it leaves. */
  private void closeTunnelsPastDeadline() {
    CompiledRoutes r = state.current();
    if (r == null) {
      return;
    }
    Instant now = clock.instant();
    for (BackendId id : server.context().connections().tunnelBackends()) {
      Backend b = r.table().snapshot().backend(id);
      if (b == null || !b.servesPinnedSessionsAt(now)) {
        int closed = server.context().connections().closeTunnels(id);
        LOG.info("closed {} tunnel(s) to backend {}: it no longer serves pinned sessions", closed, id);
      }
    }
  }

  private void registerGauges() {
    metrics.gauge("stickypool_sessions_live", "Live sessions in this proxy's table", sessions, SessionTable::size);
    metrics.gauge("stickypool_snapshot_version", "Version of the routing snapshot in use", state,
        s -> s.current() == null ? -1 : s.current().table().snapshot().version());
    metrics.gauge("stickypool_routes_stale", "1 while the routes source fails and the last good snapshot is served",
        this, rt -> rt.routesProblem == null ? 0 : 1);
    metrics.gauge("stickypool_client_connections", "Open client connections", server.context().connections(),
        c -> c.size());
    metrics.gauge("stickypool_tunnels", "Open protocol tunnels (WebSocket)", server.context().connections(),
        c -> c.tunnelCount());
    perBackendSessions =
        io.micrometer.core.instrument.MultiGauge.builder("stickypool_backend_sessions")
            .description("Live sessions per backend in this proxy's table")
            .register(metrics.registry());
  }

  /** Brings the per-backend session gauges up to date; the admin port calls it before a scrape. */
  private void refreshGauges() {
    perBackendSessions.register(
        sessions.countsByBackend().entrySet().stream()
            .map(e -> io.micrometer.core.instrument.MultiGauge.Row.of(
                io.micrometer.core.instrument.Tags.of("backend", e.getKey().value()), e.getValue()))
            .collect(java.util.stream.Collectors.toList()),
        true);
  }

  public ProxyMetrics metrics() {
    return metrics;
  }

  public SessionTable sessions() {
    return sessions;
  }

  public RoutingState routingState() {
    return state;
  }

  public InetSocketAddress trafficAddress() {
    return trafficAddress;
  }

  public InetSocketAddress adminAddress() {
    return adminAddress;
  }

  /** Graceful stop: readiness false, stop accepting, finish in-flight, close idle, force after grace. */
  public synchronized ProxyServer.ShutdownReport shutdown(Duration grace) throws InterruptedException {
    if (shutdownReport != null) {
      return shutdownReport;
    }
    shuttingDown = true;
    routes.close();
    ProxyServer.ShutdownReport report = server.shutdown(grace);
    housekeeping.shutdownNow();
    if (activeHealth != null) {
      activeHealth.close();
    }
    state.close();
    admin.close();
    shutdownReport = report;
    return report;
  }

  @Override
  public void close() {
    try {
      shutdown(Duration.ZERO);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Who this proxy is in session reports: the pod name in Kubernetes, else the host name. */
  private static String instanceName() {
    for (String env : new String[] {"POD_NAME", "HOSTNAME"}) {
      String value = System.getenv(env);
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "stickypool-proxy";
    }
  }
}
