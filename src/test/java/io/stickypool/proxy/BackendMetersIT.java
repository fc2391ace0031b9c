package io.stickypool.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import io.stickypool.proxy.server.Transport;
import io.stickypool.testing.LeakDetection;
import io.stickypool.testing.MutableClock;
import io.stickypool.testing.PushRoutesSource;
import io.stickypool.testing.StickySession;
import io.stickypool.testing.TestBackend;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Per-backend series are labelled with pod names, so a rollout would add series for ever if the
 * meters of a backend that left the routes stayed: scraped before and after a routes change, and
 * once the departed backend's retention is over.
 */
@ExtendWith(LeakDetection.class)
class BackendMetersIT {
  private final MutableClock clock = new MutableClock(Instant.now());
  private final List<TestBackend> backends = new ArrayList<>();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private ProxyRuntime proxy;

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.shutdown(Duration.ofMillis(200));
    }
    for (TestBackend b : backends) {
      b.close();
    }
  }

  @Test
  void dropsTheSeriesOfABackendThatLeftTheRoutesAfterItsRetention() throws Exception {
    for (String id : List.of("b0", "b1", "b2")) {
      backends.add(TestBackend.start(id));
    }
    PushRoutesSource routes = new PushRoutesSource(snapshot(1, backends));
    proxy = ProxyRuntime.start(config(), routes, KeyRing.generate(new SecureRandom()), clock, Transport.best());
    List<StickySession> sessions = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      StickySession s = new StickySession(client, proxy.trafficAddress().getPort(), "sp");
      s.get("/");
      sessions.add(s);
    }
    assertThat(scrape())
        .contains("stickypool_requests_total{backend=\"b2\",outcome=\"new_session\"} 3.0")
        .contains("stickypool_request_duration_seconds_count{backend=\"b2\"} 3")
        .contains("stickypool_backend_exchanges_total{backend=\"b2\",result=\"responded\"} 3.0")
        .contains("stickypool_backend_sessions{backend=\"b2\"} 3.0");

    routes.push(snapshot(2, backends.subList(0, 2)));
    for (StickySession s : sessions) {
      s.get("/");
    }

    assertThat(scrape()).as("counts of the departed backend stay to be scraped")
        .contains("stickypool_requests_total{backend=\"b2\",outcome=\"new_session\"} 3.0")
        .contains("stickypool_sessions_rebalanced_total{from=\"b2\"} 3.0")
        .doesNotContain("stickypool_backend_sessions{backend=\"b2\"}");
    clock.advance(DepartedBackends.METER_RETENTION.plusSeconds(1));
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(scrape())
        .doesNotContain("\"b2\"")
        .contains("stickypool_requests_total{backend=\"b0\",outcome=\"sticky\"} 3.0")
        .contains("stickypool_backend_sessions{backend=\"b0\"}")
        .contains("stickypool_snapshot_version 2.0"));
    assertThat(sessions).allSatisfy(s -> assertThat(s.lastBackend()).isNotEqualTo("b2"));
  }

  private static RoutingSnapshot snapshot(long version, List<TestBackend> listed) {
    List<Backend> list = new ArrayList<>();
    for (TestBackend b : listed) {
      list.add(Backend.active(BackendId.of(b.id()), "127.0.0.1", b.port()));
    }
    return new RoutingSnapshot(version, AffinitySettings.cookie(CookieSettings.named("sp")),
        PlacementSettings.defaults(), list);
  }

  private static ProxyConfig config() {
    InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
    return new ProxyConfig(loopback, loopback, ProxySettings.defaults(), HealthSettings.defaults(), 1000, 1,
        null, null, snapshot(1, List.of()));
  }

  private String scrape() throws Exception {
    return AdminClient.get(proxy.adminAddress().getPort(), "/metrics").body();
  }
}
