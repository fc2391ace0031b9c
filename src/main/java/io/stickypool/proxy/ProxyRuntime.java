package io.stickypool.proxy;

import io.stickypool.core.cookie.KeyRing;
import io.stickypool.core.route.PassiveHealth;
import io.stickypool.core.session.SessionTable;
import io.stickypool.proxy.ListenerBindException.Listener;
import io.stickypool.proxy.admin.AdminServer;
import io.stickypool.proxy.admin.ProxyAdminEndpoints;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.health.ActiveHealthChecker;
import io.stickypool.proxy.http.HeadProfileSeed;
import io.stickypool.proxy.http.ProxyContext;
import io.stickypool.proxy.metrics.ProxyMetrics;
import io.stickypool.proxy.routes.RoutesSource;
import io.stickypool.proxy.routing.AffinityRequestRouter;
import io.stickypool.proxy.routing.CompiledRoutes;
import io.stickypool.proxy.routing.RoutingState;
import io.stickypool.proxy.server.ProxyServer;
import io.stickypool.proxy.server.Transport;
import io.stickypool.proxy.h2.ListenerInitializer;
import io.stickypool.proxy.tls.BackendTls;
import io.stickypool.proxy.tls.ServerTls;
import io.stickypool.proxy.tls.TlsEngine;
import io.stickypool.proxy.tls.TlsSource;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;

/**
 * One running affinity proxy, composed: the traffic listener, the admin listener, the routes
 * source feeding the {@link RoutesIntake}, and the {@link Housekeeping} that expires sessions, ends
 * ejections and closes tunnels past their deadline. The same runtime serves standalone (file
 * routes) and in a pod (ConfigMap routes); only the {@link RoutesSource} differs.
 */
public final class ProxyRuntime implements AutoCloseable {
  private final RoutesSource routes;
  private final ProxyMetrics metrics = new ProxyMetrics();
  private final SessionTable sessions;
  private final CookieSigning signing;
  private final RoutingState state;
  private final RoutesIntake intake;
  private final ProxyServer server;
  private final DepartedBackends departed;
  private final AdminServer admin;
  private final Housekeeping housekeeping;
  private final ActiveHealthChecker activeHealth;
  private final TlsSource tlsSource;
  private final ServerTls tls;
  /**
   * Why the traffic listener does not take connections, or null while it does: readiness must not
   * pass before the listener is bound (the admin port opens first) nor once a stop began.
   */
  private volatile String notServing = "starting: the traffic listener is not open yet";
  private ProxyServer.ShutdownReport shutdownReport;
  private InetSocketAddress trafficAddress;
  private InetSocketAddress adminAddress;

  private ProxyRuntime(ProxyConfig config, RoutesSource routes, KeyRing keys, Clock clock, Transport transport,
      TlsSource tlsSource) throws Exception {
    String token = config.adminTokenFile() == null ? null : Files.readString(config.adminTokenFile()).trim();
    this.routes = routes;
    this.sessions = new SessionTable(config.maxSessions(), config.routes().affinity().cookie().idleTimeout(), clock);
    this.signing = new CookieSigning(keys, config.routes().affinity().cookie(), sessions, clock);
    PassiveHealth health =
        new PassiveHealth(config.health().consecutiveFailures(), config.health().ejectFor(), clock);
    this.state = new RoutingState(this::published);
    this.intake = new RoutesIntake(state, signing, metrics);
    ProxyContext context =
        new ProxyContext(
            new AffinityRequestRouter(state, signing.router(), metrics, health),
            config.limits(),
            transport,
            config.backendTls() == null ? null
                : BackendTls.of(config.backendTls().caFile(), config.backendTls().serverName()));
    this.tlsSource = tlsSource;
    this.tls = tlsSource == null ? null
        : new ServerTls(config.tls() == null ? TlsEngine.AUTO : config.tls().engine(), ListenerInitializer.ALPN);
    this.server = new ProxyServer(context, tls, transport, workers(config));
    this.departed = new DepartedBackends(server, health, metrics, clock);
    ProxyGauges gauges = new ProxyGauges(metrics, sessions, state, context.connections(), intake);
    this.admin =
        new AdminServer(
            ProxyAdminEndpoints.routes(token, InstanceName.current(), clock, state, sessions, metrics, gauges::refresh,
                () -> notServing, routes::describe, intake::problem, new ProxyAdminEndpoints.ReadinessOverride(),
                tlsState(tls, metrics)),
            transport);
    this.housekeeping = new Housekeeping(clock, sessions, health, state, context.connections(), departed);
    this.activeHealth =
        config.health().active() == null
            ? null
            : new ActiveHealthChecker(config.health().active(), state, state::activeDown);
  }

  /** Starts listeners, admin, routes and key sources; returns once traffic is accepted. */
  public static ProxyRuntime start(ProxyConfig config, RoutesSource routes, KeyRing initialKeys) throws Exception {
    return start(config, routes, initialKeys, config.transport().resolve());
  }

  /**
   * As {@link #start(ProxyConfig, RoutesSource, KeyRing)}, terminating TLS with the pairs of
   * {@code tls} (null for plain HTTP).
   *
   * @throws io.stickypool.proxy.tls.TlsUnavailableException when the source has no valid first
   *     pair and cannot serve without one (files); nothing is left running then
   */
  public static ProxyRuntime start(ProxyConfig config, RoutesSource routes, KeyRing initialKeys, TlsSource tls)
      throws Exception {
    return start(config, routes, initialKeys, Clock.systemUTC(), config.transport().resolve(), tls);
  }

  /**
   * As {@link #start(ProxyConfig, RoutesSource, KeyRing)} on the given socket transport.
   *
   * @throws ListenerBindException when the traffic or admin address cannot be bound; nothing is
   *     left running then
   */
  public static ProxyRuntime start(ProxyConfig config, RoutesSource routes, KeyRing initialKeys, Transport transport)
      throws Exception {
    return start(config, routes, initialKeys, Clock.systemUTC(), transport, null);
  }

  static ProxyRuntime start(ProxyConfig config, RoutesSource routes, KeyRing keys, Clock clock, Transport transport)
      throws Exception {
    return start(config, routes, keys, clock, transport, null);
  }

  static ProxyRuntime start(ProxyConfig config, RoutesSource routes, KeyRing keys, Clock clock, Transport transport,
      TlsSource tlsSource) throws Exception {
    ProxyRuntime runtime = new ProxyRuntime(config, routes, keys, clock, transport, tlsSource);
    try {
      if (tlsSource != null) {
        tlsSource.start(runtime.tls);
      }
      runtime.adminAddress = ListenerBindException.bind(Listener.ADMIN, config.admin(),
          () -> runtime.admin.start(config.admin()));
      runtime.routes.start(runtime.intake);
      HeadProfileSeed.run(config.limits());
      runtime.trafficAddress = ListenerBindException.bind(Listener.TRAFFIC, config.listen(),
          () -> runtime.server.start(config.listen()));
      runtime.notServing = null;
    } catch (Exception e) {
      runtime.close();
      throw e;
    }
    runtime.housekeeping.start();
    if (runtime.activeHealth != null) {
      runtime.activeHealth.start();
    }
    return runtime;
  }

  /** Readiness and metrics of the TLS certificate; null without TLS. */
  private static ProxyAdminEndpoints.TlsState tlsState(ServerTls tls, ProxyMetrics metrics) {
    if (tls == null) {
      return null;
    }
    metrics.gauge("stickypool_tls_certificate_stale",
        "1 while the TLS certificate source reports a problem (the last good certificate is served)",
        tls, t -> t.problem() == null ? 0 : 1);
    metrics.gauge("stickypool_tls_certificate_expiry_timestamp_seconds",
        "When the served TLS certificate expires (Unix seconds); 0 before the first one",
        tls, t -> t.pair() == null ? 0 : t.pair().leaf().getNotAfter().getTime() / 1000.0);
    return new ProxyAdminEndpoints.TlsState() {
      @Override
      public String blocker() {
        return tls.blocker();
      }

      @Override
      public String problem() {
        return tls.problem();
      }
    };
  }

  /** The TLS state of the traffic listener, or null for plain HTTP. */
  public ServerTls tls() {
    return tls;
  }

  /** Published routes go to the departed-backend cleanup, which needs the server, built after the state. */
  private void published(CompiledRoutes routes) {
    departed.accept(routes);
  }

  private static int workers(ProxyConfig config) {
    return config.workerThreads() == 0 ? Runtime.getRuntime().availableProcessors() : config.workerThreads();
  }

  /** Installs rotated signing keys: new cookies are signed with the newest, older ones still verify. */
  public void updateKeys(KeyRing newKeys) {
    signing.useKeys(newKeys);
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

  /** The client connections (package tests wait on them for "nothing in flight"). */
  io.stickypool.proxy.http.OpenConnections connections() {
    return server.context().connections();
  }

  /** What the traffic listener's connections share: another listener (TLS) serves through it. */
  public ProxyContext context() {
    return server.context();
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
    notServing = "shutting down";
    routes.close();
    if (tlsSource != null) {
      tlsSource.close();
    }
    ProxyServer.ShutdownReport report = server.shutdown(grace);
    housekeeping.close();
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
}
