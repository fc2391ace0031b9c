package io.stickypool.proxy.http;

import io.stickypool.proxy.pool.BackendConnectionPool;
import io.stickypool.proxy.routing.RequestRouter;
import io.stickypool.proxy.server.Transport;
import io.stickypool.proxy.tls.BackendTls;

/**
 * What every client connection of one proxy shares: the router, the backend connector and pool,
 * the settings, open connections and tunnels. Thread-safe: each part is either immutable or
 * confined per event loop.
 */
public final class ProxyContext {
  private final RequestRouter router;
  private final ProxySettings settings;
  private final BackendConnector connector;
  private final OpenConnections connections = new OpenConnections();

  public ProxyContext(RequestRouter router, ProxySettings settings, Transport transport) {
    this(router, settings, transport, null);
  }

  /** @param backendTls TLS toward the backends, or null for plain HTTP to them */
  public ProxyContext(RequestRouter router, ProxySettings settings, Transport transport, BackendTls backendTls) {
    this.router = router;
    this.settings = settings;
    BackendConnectionPool pool =
        new BackendConnectionPool(
            settings.maxIdleConnectionsPerBackend(), settings.pooledConnectionMaxIdle().toNanos());
    this.connector = new BackendConnector(transport, pool, settings, backendTls, connections);
  }

  RequestRouter router() {
    return router;
  }

  public ProxySettings settings() {
    return settings;
  }

  BackendConnector connector() {
    return connector;
  }

  public BackendConnectionPool pool() {
    return connector.pool();
  }

  public OpenConnections connections() {
    return connections;
  }
}
