package io.stickypool.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.stickypool.proxy.routes.RoutesListener;
import io.stickypool.proxy.routes.RoutesSource;
import io.stickypool.proxy.server.ProxyServer;
import io.stickypool.testing.LeakDetection;
import io.stickypool.testing.LoadDriver;
import io.stickypool.testing.ProxyHarness;
import io.stickypool.testing.StickySession;
import io.stickypool.testing.TestBackend;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Admin port, hot reload, active health checks and graceful shutdown of a running proxy. */
@ExtendWith(LeakDetection.class)
class ProxyOperationsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void adminPortServesProbesMetricsAndTheSessionSummary() throws Exception {
    try (ProxyHarness h = ProxyHarness.cookieMode(3, KeyRing.generate(new SecureRandom()))) {
      for (int i = 0; i < 9; i++) {
        h.session().get("/");
      }
      assertThat(AdminClient.get(h.adminPort(), "/healthz").statusCode()).isEqualTo(200);
      HttpResponse<String> ready = AdminClient.get(h.adminPort(), "/readyz");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).contains("snapshot version 1");
      JsonNode sessions = JSON.readTree(AdminClient.get(h.adminPort(), "/sessions").body());
      assertThat(sessions.get("sessions").asInt()).isEqualTo(9);
      assertThat(sessions.get("backends")).hasSize(3);
      sessions.get("backends").forEach(b -> assertThat(b.get("sessions").asInt()).isEqualTo(3));
      String metrics = AdminClient.get(h.adminPort(), "/metrics").body();
      assertThat(metrics)
          .contains("stickypool_requests_total{backend=\"b0\",outcome=\"new_session\"} 3.0")
          .contains("stickypool_request_duration_seconds_bucket")
          .contains("stickypool_backend_sessions{backend=\"b1\"} 3.0")
          .contains("stickypool_snapshot_version 1.0");
      assertThat(AdminClient.get(h.adminPort(), "/nope").statusCode()).isEqualTo(404);
    }
  }

  /**
   * The admin port opens before the traffic listener (so probes answer while routes load), and a
   * readiness probe that passed in between would send a Service's traffic to a closed port.
   */
  @Test
  void readinessWaitsUntilTheTrafficListenerIsOpen() throws Exception {
    try (TestBackend backend = TestBackend.start("b0")) {
      RoutingSnapshot snapshot = new RoutingSnapshot(1, AffinitySettings.cookie(CookieSettings.named("sp")),
          PlacementSettings.defaults(), List.of(Backend.active(BackendId.of("b0"), "127.0.0.1", backend.port())));
      CountDownLatch release = new CountDownLatch(1);
      RoutesSource heldAfterTheFirstSnapshot = new RoutesSource() {
        @Override
        public void start(RoutesListener listener) throws InterruptedException {
          listener.onRoutes(snapshot, describe());
          release.await(30, TimeUnit.SECONDS);
        }

        @Override
        public String describe() {
          return "held-source";
        }

        @Override
        public void close() {}
      };
      int adminPort;
      try (ServerSocket probe = new ServerSocket(0)) {
        adminPort = probe.getLocalPort();
      }
      ProxyConfig config = new ProxyConfig(new InetSocketAddress("127.0.0.1", 0),
          new InetSocketAddress("127.0.0.1", adminPort), ProxySettings.defaults(), HealthSettings.defaults(),
          1_000, 1, null, null, snapshot);
      CompletableFuture<ProxyRuntime> starting = CompletableFuture.supplyAsync(() -> {
        try {
          return ProxyRuntime.start(config, heldAfterTheFirstSnapshot, KeyRing.generate(new SecureRandom()));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try {
        HttpResponse<String> early = await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
            .until(() -> AdminClient.get(adminPort, "/readyz"), r -> r != null);
        assertThat(starting).as("still held between routes and the traffic bind").isNotDone();
        assertThat(early.statusCode()).isEqualTo(503);
        assertThat(early.body()).isEqualTo("not ready: starting: the traffic listener is not open yet\n");
      } finally {
        release.countDown();
      }
      ProxyRuntime proxy = starting.get(30, TimeUnit.SECONDS);
      try {
        assertThat(AdminClient.get(adminPort, "/readyz").statusCode()).isEqualTo(200);
      } finally {
        proxy.shutdown(Duration.ZERO);
      }
    }
  }

  @Test
  void stateChangingAdminCallsNeedTheBearerToken(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path token = dir.resolve("token");
    java.nio.file.Files.writeString(token, "s3cret-token\n");
    try (ProxyHarness h = ProxyHarness.withAdminToken(1, token)) {
      assertThat(AdminClient.post(h.adminPort(), "/healthcheck/fail", null).statusCode()).isEqualTo(401);
      assertThat(AdminClient.post(h.adminPort(), "/healthcheck/fail", "wrong").statusCode()).isEqualTo(401);
      assertThat(AdminClient.get(h.adminPort(), "/readyz").statusCode()).isEqualTo(200);
      assertThat(AdminClient.post(h.adminPort(), "/healthcheck/fail", "s3cret-token").statusCode()).isEqualTo(200);
      assertThat(AdminClient.get(h.adminPort(), "/readyz").statusCode()).isEqualTo(503);
      assertThat(h.session().get("/").statusCode()).as("traffic still served").isEqualTo(200);
      assertThat(AdminClient.post(h.adminPort(), "/healthcheck/ok", "s3cret-token").statusCode()).isEqualTo(200);
      assertThat(AdminClient.get(h.adminPort(), "/readyz").statusCode()).isEqualTo(200);
    }
    try (ProxyHarness h = ProxyHarness.cookieMode(1, KeyRing.generate(new SecureRandom()))) {
      assertThat(AdminClient.post(h.adminPort(), "/healthcheck/fail", "anything").statusCode())
          .as("no token configured: state changes are refused").isEqualTo(403);
      assertThat(AdminClient.post(h.adminPort(), "/metrics", "anything").statusCode()).isEqualTo(405);
    }
  }

  @Test
  void keepsServingTheLastGoodSnapshotWhenTheSourceFailsAndSaysSo() throws Exception {
    try (ProxyHarness h = ProxyHarness.cookieMode(2, KeyRing.generate(new SecureRandom()))) {
      h.routes.fail("backends[0].port: 0 is not 1..65535 (line 9, column 13)");
      assertThat(h.session().get("/").statusCode()).isEqualTo(200);
      HttpResponse<String> ready = AdminClient.get(h.adminPort(), "/readyz");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).contains("stale").contains("line 9, column 13");
      assertThat(AdminClient.get(h.adminPort(), "/metrics").body()).contains("stickypool_routes_stale 1.0");
    }
  }

  @Test
  void hotReloadsUnderLoadWithoutAFailedRequestOrAMovedSession() throws Exception {
    try (ProxyHarness h = ProxyHarness.cookieMode(3, KeyRing.generate(new SecureRandom()))) {
      List<StickySession> sessions = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        StickySession s = h.session();
        s.get("/");
        sessions.add(s);
      }
      LoadDriver load = LoadDriver.start(sessions, 4, 2000);
      try (load) {
        for (int reload = 0; reload < 30; reload++) {
          h.push(Map.of());
          int before = load.done();
          await().atMost(Duration.ofSeconds(10)).until(() -> load.done() > before + 10);
        }
      }
      assertThat(load.failures()).as("failed requests, first: %s", load.firstFailure()).isZero();
      assertThat(sessions).allSatisfy(s -> assertThat(s.moves()).isZero());
      assertThat(AdminClient.get(h.adminPort(), "/readyz").body()).contains("snapshot version 31");
    }
  }

  @Test
  void activeHealthChecksTakeAFailingBackendOutAndBringItBack() throws Exception {
    HealthSettings health =
        new HealthSettings(3, Duration.ofSeconds(10),
            new HealthSettings.ActiveCheck("/health", Duration.ofMillis(100), Duration.ofSeconds(1), 2, 2));
    try (ProxyHarness h = ProxyHarness.withHealth(2, health)) {
      h.backend("b1").setHealthStatus(503);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        for (int i = 0; i < 6; i++) {
          assertThat(h.session().get("/").body()).isEqualTo("b0");
        }
      });
      h.backend("b1").setHealthStatus(200);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        assertThat(h.session().get("/").body()).isEqualTo("b1");
      });
    }
  }

  @Test
  void shutsDownGracefullyFinishingInFlightRequests() throws Exception {
    ProxyHarness h = ProxyHarness.cookieMode(1, KeyRing.generate(new SecureRandom()));
    try {
      CompletableFuture<HttpResponse<String>> slow =
          h.client.sendAsync(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port() + "/slow/800")).build(),
              HttpResponse.BodyHandlers.ofString());
      await().atMost(Duration.ofSeconds(5)).until(() -> h.backend("b0").requests() == 1);
      CompletableFuture<ProxyServer.ShutdownReport> stopping =
          CompletableFuture.supplyAsync(() -> {
            try {
              return h.proxy.shutdown(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
          });
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(AdminClient.get(h.adminPort(), "/readyz").statusCode()).isEqualTo(503));
      HttpResponse<String> r = slow.get(10, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Connection")).hasValue("close");
      ProxyServer.ShutdownReport report = stopping.get(10, TimeUnit.SECONDS);
      assertThat(report.forced()).isZero();
      assertThat(report.finished()).isEqualTo(1);
    } finally {
      for (var b : h.backends) {
        b.close();
      }
    }
  }
}
