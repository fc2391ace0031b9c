package io.stickypool.proxy.http;

import io.stickypool.proxy.server.ProxyServer;
import io.stickypool.proxy.server.Transport;
import io.stickypool.testing.ScriptedBackend;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;

/**
 * A proxy with one event loop in front of scripted backends ({@code X-Route: i} picks the i-th):
 * with one loop every client shares the same pool of backend connections, which is where a
 * connection handed back out of step would show.
 */
final class ProxyUnderTest implements AutoCloseable {
  private final ProxyServer server;
  private final int port;

  private ProxyUnderTest(ProxyServer server, int port) {
    this.server = server;
    this.port = port;
  }

  static ProxyUnderTest start(ProxySettings settings, ScriptedBackend... backends) throws InterruptedException {
    FixedRouter router = new FixedRouter(Arrays.stream(backends)
        .map(b -> new InetSocketAddress("127.0.0.1", b.port()))
        .toList());
    ProxyServer server =
        new ProxyServer(new ProxyContext(router, settings, Transport.best()), Transport.best(), 1);
    int port = server.start(new InetSocketAddress("127.0.0.1", 0)).getPort();
    return new ProxyUnderTest(server, port);
  }

  static ProxySettings settings(Duration backendTimeout) {
    return ProxySettings.defaults().withHeaderTimeout(Duration.ofSeconds(2)).withBackendTimeout(backendTimeout);
  }

  int port() {
    return port;
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdown(Duration.ZERO);
  }
}
