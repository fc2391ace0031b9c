package io.stickypool.proxy.config;

import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.proxy.health.HealthSettings;
import io.stickypool.proxy.http.ProxySettings;
import io.stickypool.proxy.server.TransportChoice;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything a standalone proxy runs with: where it listens, its limits and health checks, where
 * its keys come from, and the routes (a routing snapshot). Built from the YAML config file or from
 * the quick-start command-line flags. Immutable.
 *
 * @param keyFile cookie signing keys ({@code <id>:<base64>} per line, last one signs), or null to
 *     generate one key at start (sessions then do not survive a restart)
 * @param adminTokenFile bearer token for state-changing admin calls, or null to disable them
 * @param workerThreads event loop threads, 0 for one per available core
 * @param maxSessions bound of the session table
 * @param transport socket transport setting ({@code auto} unless set), resolved at start
 * @param tls TLS on the traffic listener from files, or null for plain HTTP (or a Secret given on
 *     the command line)
 * @param backendTls TLS toward the backends, or null for plain HTTP to them
 */
public record ProxyConfig(
    InetSocketAddress listen,
    InetSocketAddress admin,
    ProxySettings limits,
    HealthSettings health,
    int maxSessions,
    int workerThreads,
    Path keyFile,
    Path adminTokenFile,
    RoutingSnapshot routes,
    TransportChoice transport,
    TlsSettings tls,
    BackendTlsSettings backendTls) {

  public static final int DEFAULT_MAX_SESSIONS = 1_000_000;

  public ProxyConfig {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(admin, "admin");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(routes, "routes");
    Objects.requireNonNull(transport, "transport");
    if (maxSessions < 1) {
      throw new IllegalArgumentException("maxSessions must be at least 1");
    }
    if (workerThreads < 0) {
      throw new IllegalArgumentException("workerThreads must not be negative");
    }
  }

  /** Without TLS from files. */
  public ProxyConfig(InetSocketAddress listen, InetSocketAddress admin, ProxySettings limits,
      HealthSettings health, int maxSessions, int workerThreads, Path keyFile, Path adminTokenFile,
      RoutingSnapshot routes, TransportChoice transport) {
    this(listen, admin, limits, health, maxSessions, workerThreads, keyFile, adminTokenFile, routes,
        transport, null, null);
  }

  /** With the {@code auto} transport. */
  public ProxyConfig(InetSocketAddress listen, InetSocketAddress admin, ProxySettings limits,
      HealthSettings health, int maxSessions, int workerThreads, Path keyFile, Path adminTokenFile,
      RoutingSnapshot routes) {
    this(listen, admin, limits, health, maxSessions, workerThreads, keyFile, adminTokenFile, routes,
        TransportChoice.AUTO);
  }

  public ProxyConfig withRoutes(RoutingSnapshot newRoutes) {
    return new ProxyConfig(
        listen, admin, limits, health, maxSessions, workerThreads, keyFile, adminTokenFile, newRoutes,
        transport, tls, backendTls);
  }

  public ProxyConfig withTransport(TransportChoice newTransport) {
    return new ProxyConfig(
        listen, admin, limits, health, maxSessions, workerThreads, keyFile, adminTokenFile, routes,
        newTransport, tls, backendTls);
  }

  public ProxyConfig withBackendTls(BackendTlsSettings newBackendTls) {
    return new ProxyConfig(
        listen, admin, limits, health, maxSessions, workerThreads, keyFile, adminTokenFile, routes,
        transport, tls, newBackendTls);
  }

  public ProxyConfig withTls(TlsSettings newTls) {
    return new ProxyConfig(
        listen, admin, limits, health, maxSessions, workerThreads, keyFile, adminTokenFile, routes,
        transport, newTls, backendTls);
  }
}
