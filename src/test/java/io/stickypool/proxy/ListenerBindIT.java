package io.stickypool.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.core.snapshot.CookieSettings;
import io.stickypool.core.snapshot.PlacementSettings;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.health.HealthSettings;
import io.stickypool.proxy.http.ProxySettings;
import io.stickypool.testing.LeakDetection;
import io.stickypool.proxy.routes.RoutesListener;
import io.stickypool.proxy.routes.StaticRoutesSource;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A listener that cannot bind fails the start with one line naming the address and the setting. */
@ExtendWith(LeakDetection.class)
class ListenerBindIT {
  private static final RoutingSnapshot ROUTES = new RoutingSnapshot(1,
      AffinitySettings.cookie(CookieSettings.named("sp")), PlacementSettings.defaults(),
      List.of(Backend.active(BackendId.of("a"), "127.0.0.1", 9)));

  private static ProxyConfig config(InetSocketAddress listen, InetSocketAddress admin) {
    return new ProxyConfig(listen, admin, ProxySettings.defaults(), HealthSettings.defaults(), 1000, 1, null, null,
        ROUTES);
  }

  @Test
  void namesTheTrafficAddressInUseAndStopsWhatItStarted() throws Exception {
    try (ServerSocket held = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      ClosingSource routes = new ClosingSource();

      assertThatThrownBy(() -> ProxyRuntime.start(
              config(new InetSocketAddress("127.0.0.1", held.getLocalPort()), new InetSocketAddress("127.0.0.1", 0)),
              routes, KeyRing.generate(new SecureRandom())))
          .isInstanceOf(ListenerBindException.class)
          .hasMessage("cannot listen for traffic on 127.0.0.1:" + held.getLocalPort() + ": the address is"
              + " already in use; stop the process that holds it or choose another port (--listen, or"
              + " proxy.listen in a config file)");
      assertThat(routes.closed).as("routes source closed").isTrue();
      assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("sp-housekeeping"));
    }
  }

  @Test
  void saysWhyWhenTheAddressIsNotThisHosts() {
    assertThatThrownBy(() -> ProxyRuntime.start(
            config(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("192.0.2.1", 9901)),
            new ClosingSource(), KeyRing.generate(new SecureRandom())))
        .isInstanceOf(ListenerBindException.class)
        .hasMessage("cannot listen for the admin port on 192.0.2.1:9901: Cannot assign requested address;"
            + " choose another address (--admin, or proxy.admin in a config file)");
  }

  /** The routes of the snapshot above, remembering whether it was closed. */
  private static final class ClosingSource implements io.stickypool.proxy.routes.RoutesSource {
    private final StaticRoutesSource source = new StaticRoutesSource(ROUTES, "test");
    volatile boolean closed;

    @Override
    public void start(RoutesListener listener) {
      source.start(listener);
    }

    @Override
    public String describe() {
      return source.describe();
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
