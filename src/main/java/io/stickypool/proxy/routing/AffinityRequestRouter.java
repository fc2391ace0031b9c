package io.stickypool.proxy.routing;

import io.stickypool.core.route.AffinityOutcome;
import io.stickypool.core.route.AffinityRouter;
import io.stickypool.core.route.PassiveHealth;
import io.stickypool.core.route.RouteDecision;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.proxy.metrics.ProxyMetrics;
import java.net.InetSocketAddress;

/**
 * The proxy's {@link RequestRouter}: reads the request's affinity key the way the snapshot's
 * affinity type says, asks the core {@link AffinityRouter}, counts the outcome, and feeds passive
 * health with how exchanges ended. Thread-safe; allocation is one decision and one route per
 * request (plus a cookie string when one is issued).
 */
public final class AffinityRequestRouter implements RequestRouter {
  private final RoutingState state;
  private final AffinityRouter router;
  private final ProxyMetrics metrics;
  private final PassiveHealth health;

  public AffinityRequestRouter(
      RoutingState state, AffinityRouter router, ProxyMetrics metrics, PassiveHealth health) {
    this.state = state;
    this.router = router;
    this.metrics = metrics;
    this.health = health;
  }

  @Override
  public ProxyRoute route(RequestFields request, InetSocketAddress client) {
    CompiledRoutes routes = state.current();
    if (routes == null) {
      metrics.request(null, AffinityOutcome.NO_BACKEND);
      return null;
    }
    return toRoute(decide(routes, request, client), routes);
  }

  private RouteDecision decide(CompiledRoutes routes, RequestFields request, InetSocketAddress client) {
    AffinitySettings a = routes.table().snapshot().affinity();
    switch (a.type()) {
      case COOKIE:
        return router.routeByCookie(routes.table(), request.cookie(a.cookie().name()));
      case HEADER:
        return router.routeByKey(routes.table(), request.first(a.keyName()));
      case APP_COOKIE:
        return router.routeByKey(routes.table(), request.cookie(a.keyName()));
      case CLIENT_IP:
      default:
        return router.routeByKey(
            routes.table(), RequestKeys.clientIp(client, request, routes.trustedProxies()));
    }
  }

  private ProxyRoute toRoute(RouteDecision d, CompiledRoutes routes) {
    metrics.request(d.backend() == null ? null : d.backend().id(), d.outcome());
    if (d.outcome() == AffinityOutcome.COOKIE_INVALID || d.outcome() == AffinityOutcome.COOKIE_EXPIRED) {
      metrics.count("stickypool_cookies_rejected", "Affinity cookies ignored, by why", "status",
          d.cookieStatus().name().toLowerCase(java.util.Locale.ROOT));
    }
    if (d.outcome().repinned()) {
      metrics.count("stickypool_sessions_rebalanced", "Sessions re-pinned to another backend, by the backend they left",
          "from", d.previousBackend() == null ? "unknown" : d.previousBackend().value());
    }
    if (!d.hasBackend()) {
      return null;
    }
    String setCookie =
        d.cookieToSet() == null
            ? null
            : routes.table().snapshot().affinity().cookie().name() + '='
                + router.codec().encode(d.cookieToSet()) + routes.cookieAttributes();
    return new AffinityRoute(d, routes, setCookie);
  }

  @Override
  public ProxyRoute reroute(ProxyRoute failed, RequestFields request, InetSocketAddress client) {
    CompiledRoutes routes = state.current();
    if (routes == null || !(failed instanceof AffinityRoute)) {
      return null;
    }
    return toRoute(router.failover(routes.table(), ((AffinityRoute) failed).decision()), routes);
  }

  private static ProxyMetrics.BackendResult counted(ExchangeResult result) {
    switch (result) {
      case CONNECT_FAILED:
        return ProxyMetrics.BackendResult.CONNECT_FAILED;
      case BROKEN_RESPONSE:
        return ProxyMetrics.BackendResult.BROKEN_RESPONSE;
      case TIMED_OUT:
        return ProxyMetrics.BackendResult.TIMED_OUT;
      default:
        return ProxyMetrics.BackendResult.RESPONDED;
    }
  }

  @Override
  public void record(ProxyRoute route, ExchangeResult result, int status, long durationNanos) {
    var id = route.backend().id();
    boolean failed = result != ExchangeResult.RESPONDED || status >= 500;
    metrics.backendResult(id, failed && result == ExchangeResult.RESPONDED
        ? ProxyMetrics.BackendResult.SERVER_ERROR
        : counted(result));
    if (result == ExchangeResult.RESPONDED) {
      metrics.latency(id, durationNanos);
    }
    if (!failed) {
      health.recordSuccess(id);
    } else if (health.recordFailure(id)) {
      metrics.count("stickypool_backend_ejections", "Backends ejected by passive health", "backend", id.value());
      state.passiveDown(health.ejected());
    }
  }
}
