package io.stickypool.proxy.routing;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.stickypool.core.backend.Backend;
import io.stickypool.core.route.RouteDecision;
import io.stickypool.core.snapshot.AffinityType;
import java.net.InetSocketAddress;

/**
 * A routed request: the core's decision plus what the proxy adds to the messages. Re-pinned
 * sessions are announced both ways: {@code StickyPool-Rebalanced: 1} to the client and
 * {@code StickyPool-Previous-Backend: <id>} to the new backend, so an application with shared
 * session storage can restore the session.
 */
final class AffinityRoute implements io.stickypool.proxy.routing.ProxyRoute {
  static final String REBALANCED = "StickyPool-Rebalanced";
  static final String PREVIOUS_BACKEND = "StickyPool-Previous-Backend";

  private final RouteDecision decision;
  private final CompiledRoutes routes;
  private final InetSocketAddress address;
  private final String setCookie;

  AffinityRoute(RouteDecision decision, CompiledRoutes routes, String setCookie) {
    this.decision = decision;
    this.routes = routes;
    this.address = routes.address(decision.backend());
    this.setCookie = setCookie;
  }

  RouteDecision decision() {
    return decision;
  }

  @Override
  public Backend backend() {
    return decision.backend();
  }

  @Override
  public InetSocketAddress address() {
    return address;
  }

  @Override
  public boolean trustsProxy(java.net.InetAddress client) {
    return client != null && routes.trustsProxy(client);
  }

  @Override
  public void decorateRequest(RequestDecoration request) {
    if (routes.table().snapshot().affinity().type() == AffinityType.COOKIE) {
      request.removeCookie(routes.table().snapshot().affinity().cookie().name());
    }
    boolean announce = decision.outcome().repinned() && decision.previousBackend() != null;
    request.setHeader(PREVIOUS_BACKEND, announce ? decision.previousBackend().value() : null);
  }

  @Override
  public void decorateResponse(ResponseDecoration response) {
    if (setCookie != null) {
      boolean addSecure = response.clientSecure() && !setCookie.contains("; Secure");
      response.addHeader(HttpHeaderNames.SET_COOKIE, addSecure ? setCookie + "; Secure" : setCookie);
      // A shared cache must not hand one client's affinity cookie to another.
      response.keepOutOfSharedCaches();
    }
    if (decision.outcome().repinned()) {
      response.addHeader(REBALANCED, "1");
    }
  }
}
