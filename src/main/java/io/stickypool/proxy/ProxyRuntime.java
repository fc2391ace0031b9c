package io.stickypool.proxy;

import io.stickypool.core.cookie.KeyRing;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.routes.RoutesSource;
import io.stickypool.proxy.server.ProxyServer;
import java.net.InetSocketAddress;
import java.time.Duration;

/** Placeholder with the agreed API so the CLI compiles; the lead's implementation replaces it. */
public final class ProxyRuntime implements AutoCloseable {
  private ProxyRuntime() {}

  /** Starts listeners, admin, routes and key sources; returns once traffic is accepted. */
  public static ProxyRuntime start(ProxyConfig config, RoutesSource routes, KeyRing initialKeys)
      throws Exception {
    throw new UnsupportedOperationException("placeholder: replaced by the real ProxyRuntime");
  }

  public void updateKeys(KeyRing keys) {
    throw new UnsupportedOperationException();
  }

  public InetSocketAddress trafficAddress() {
    throw new UnsupportedOperationException();
  }

  public InetSocketAddress adminAddress() {
    throw new UnsupportedOperationException();
  }

  /** Graceful stop: readiness false, stop accepting, finish in-flight, close idle, force. */
  public ProxyServer.ShutdownReport shutdown(Duration grace) throws InterruptedException {
    throw new UnsupportedOperationException();
  }

  @Override
  public void close() {}
}
