package io.stickypool.proxy.http;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.proxy.routing.ProxyRoute;
import io.stickypool.proxy.routing.RequestDecoration;
import io.stickypool.proxy.routing.ResponseDecoration;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A route that decorates requests as a cookie-mode AffinityRoute does: the proxy's cookie {@code sp}
 * comes out, and {@code previous} (or nothing) is announced as the previous backend.
 */
record CookieRoute(boolean trusted, String previous) implements ProxyRoute {
  private static final Backend BACKEND = Backend.active(BackendId.of("web-0"), "127.0.0.1", 8080);
  private static final InetSocketAddress ADDRESS = new InetSocketAddress("127.0.0.1", 8080);

  @Override
  public Backend backend() {
    return BACKEND;
  }

  @Override
  public InetSocketAddress address() {
    return ADDRESS;
  }

  @Override
  public void decorateResponse(ResponseDecoration response) {}

  @Override
  public boolean trustsProxy(InetAddress client) {
    return trusted;
  }

  @Override
  public void decorateRequest(RequestDecoration request) {
    request.removeCookie("sp");
    request.setHeader("StickyPool-Previous-Backend", previous);
  }
}
