package io.stickypool.proxy.http;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.proxy.routing.ProxyRoute;
import io.stickypool.proxy.routing.RequestDecoration;
import io.stickypool.proxy.routing.RequestFields;
import io.stickypool.proxy.routing.RequestRouter;
import io.stickypool.proxy.routing.ResponseDecoration;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A router without affinity for testing the HTTP engine on its own: the {@code X-Route} header
 * names a backend index (default 0); a reroute goes to the next backend. Records every result.
 */
final class FixedRouter implements RequestRouter {
  private final List<Backend> backends;
  final List<String> results = new CopyOnWriteArrayList<>();
  private final boolean trustLoopback;

  /** A router whose routes trust no client's forwarding headers. */
  FixedRouter(List<InetSocketAddress> addresses) {
    this(addresses, false);
  }

  /** @param trustLoopback loopback peers are trusted proxies, as a proxy in front on the same host */
  FixedRouter(List<InetSocketAddress> addresses, boolean trustLoopback) {
    this.trustLoopback = trustLoopback;
    this.backends =
        addresses.stream()
            .map(a -> Backend.active(BackendId.of("b" + addresses.indexOf(a)), a.getHostString(), a.getPort()))
            .toList();
  }

  @Override
  public ProxyRoute route(RequestFields request, InetSocketAddress client) {
    if (backends.isEmpty()) {
      return null;
    }
    String h = request.first("X-Route");
    return new Route(backends.get(h == null ? 0 : Integer.parseInt(h)), trustLoopback);
  }

  @Override
  public ProxyRoute reroute(ProxyRoute failed, RequestFields request, InetSocketAddress client) {
    int i = backends.indexOf(failed.backend());
    return i + 1 < backends.size() ? new Route(backends.get(i + 1), trustLoopback) : null;
  }

  @Override
  public void record(ProxyRoute route, ExchangeResult result, int status, long durationNanos) {
    results.add(route.backend().id() + ":" + result + ":" + status);
  }

  private static final class Route implements ProxyRoute {
    private final Backend backend;
    private final InetSocketAddress address;
    private final boolean trustLoopback;

    Route(Backend backend, boolean trustLoopback) {
      this.backend = backend;
      this.trustLoopback = trustLoopback;
      this.address = new InetSocketAddress(backend.host(), backend.port());
    }

    @Override
    public Backend backend() {
      return backend;
    }

    @Override
    public InetSocketAddress address() {
      return address;
    }

    @Override
    public void decorateResponse(ResponseDecoration response) {
      response.addHeader("X-Routed-To", backend.id().value());
    }

    @Override
    public boolean trustsProxy(java.net.InetAddress client) {
      return trustLoopback && client != null && client.isLoopbackAddress();
    }

    @Override
    public void decorateRequest(RequestDecoration request) {}
  }
}
