package io.stickypool.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stickypool.core.cookie.KeyRing;
import io.stickypool.proxy.health.HealthSettings;
import io.stickypool.testing.LeakDetection;
import io.stickypool.testing.LoadDriver;
import io.stickypool.testing.ProxyHarness;
import io.stickypool.testing.StickySession;
import io.stickypool.testing.TestBackend;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Failover, drain and the error answers, through the real proxy over loopback. */
@ExtendWith(LeakDetection.class)
class ProxyFailoverIT {

  @Test
  void repinsAtOnceWhenThePinnedBackendDiesAndFailsNoIdempotentRequestUnderLoad() throws Exception {
    try (ProxyHarness h = ProxyHarness.withHealth(3, new HealthSettings(2, Duration.ofSeconds(30), null))) {
      List<StickySession> sessions = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        StickySession s = h.session();
        s.get("/");
        sessions.add(s);
      }
      LoadDriver load = LoadDriver.start(sessions, 6, 400);
      try (load) {
        await().atMost(Duration.ofSeconds(20)).until(() -> load.done() > 300);
        h.backend("b1").kill();
        int atKill = load.done();
        await().atMost(Duration.ofSeconds(30)).until(() -> load.done() > atKill + 600);
      }
      assertThat(load.failures()).as("failed requests, first: %s", load.firstFailure()).isZero();
      assertThat(load.slowestMillis()).as("no request waits for a health check").isLessThan(2000);
      for (StickySession s : sessions) {
        if (s.backends().get(0).equals("b1")) {
          assertThat(s.moves()).isEqualTo(1);
          assertThat(s.rebalanced()).isEqualTo(1);
        } else {
          assertThat(s.moves()).isZero();
        }
      }
      String metrics = AdminClient.get(h.adminPort(), "/metrics").body();
      assertThat(metrics).contains("stickypool_backend_ejections_total{backend=\"b1\"} 1.0");
    }
  }

  @Test
  void drainsPinnedSessionsUntilTheDeadlineThenRepinsThemExactlyOnce() throws Exception {
    try (ProxyHarness h = ProxyHarness.cookieMode(3, KeyRing.generate(new SecureRandom()))) {
      List<StickySession> sessions = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        StickySession s = h.session();
        s.get("/");
        sessions.add(s);
      }
      Instant deadline = Instant.now().plusSeconds(2);
      h.push(Map.of("b0", ProxyHarness.draining(deadline)));
      for (int i = 0; i < 30; i++) {
        StickySession fresh = h.session();
        fresh.get("/");
        assertThat(fresh.lastBackend()).as("no new session on a draining backend").isNotEqualTo("b0");
      }
      for (StickySession s : sessions) {
        HttpResponse<String> r = s.get("/");
        assertThat(s.moves()).as("pinned sessions stay while draining").isZero();
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(deadline.plusMillis(50)));
      for (int round = 0; round < 5; round++) {
        for (StickySession s : sessions) {
          HttpResponse<String> r = s.get("/");
          assertThat(r.statusCode()).isEqualTo(200);
          if (round == 0 && s.backends().get(0).equals("b0")) {
            assertThat(r.headers().firstValue("StickyPool-Rebalanced")).hasValue("1");
            assertThat(r.headers().firstValue("X-Seen-StickyPool-Previous-Backend")).hasValue("b0");
          }
        }
      }
      for (StickySession s : sessions) {
        boolean wasOnB0 = s.backends().get(0).equals("b0");
        assertThat(s.moves()).isEqualTo(wasOnB0 ? 1 : 0);
        assertThat(s.rebalanced()).isEqualTo(wasOnB0 ? 1 : 0);
        assertThat(s.lastBackend()).isNotEqualTo("b0");
      }
    }
  }

  @Test
  void repinsOnceWhenTheBackendIsRemovedFromTheSnapshot() throws Exception {
    try (ProxyHarness h = ProxyHarness.cookieMode(2, KeyRing.generate(new SecureRandom()))) {
      StickySession s = h.session();
      while (!"b1".equals(s.lastBackend())) {
        s = h.session();
        s.get("/");
      }
      h.push(Map.of("b1", ProxyHarness.removed()));
      HttpResponse<String> r = s.get("/");
      assertThat(r.body()).isEqualTo("b0");
      assertThat(r.headers().firstValue("X-Seen-StickyPool-Previous-Backend")).hasValue("b1");
      assertThat(s.get("/").headers().firstValue("StickyPool-Rebalanced")).isEmpty();
    }
  }

  @Test
  void answers503WithRetryAfterWhenNoBackendIsLive() throws Exception {
    try (ProxyHarness h = ProxyHarness.cookieMode(1, KeyRing.generate(new SecureRandom()))) {
      h.push(Map.of("b0", ProxyHarness.removed()));
      HttpResponse<String> r =
          h.client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port() + "/")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
    }
  }

  @Test
  void answers503WhenEveryBackendRefusesConnections() throws Exception {
    try (ProxyHarness h = ProxyHarness.cookieMode(2, KeyRing.generate(new SecureRandom()))) {
      for (TestBackend b : h.backends) {
        b.kill();
      }
      HttpResponse<String> r =
          h.client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port() + "/")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isIn(502, 503);
    }
  }

  @Test
  void keepsWebSocketsStickyAndClosesThemCleanlyAtTheDrainDeadline() throws Exception {
    try (ProxyHarness h = ProxyHarness.cookieMode(3, KeyRing.generate(new SecureRandom()))) {
      StickySession s = h.session();
      s.get("/");
      String pinned = s.lastBackend();
      CompletableFuture<String> reply = new CompletableFuture<>();
      CompletableFuture<Integer> closed = new CompletableFuture<>();
      WebSocket ws =
          h.client.newWebSocketBuilder()
              .header("Cookie", ProxyHarness.COOKIE + "=" + s.cookie())
              .buildAsync(URI.create("ws://127.0.0.1:" + h.port() + "/ws"), new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                  reply.complete(data.toString());
                  w.request(1);
                  return null;
                }

                @Override
                public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                  closed.complete(code);
                  return null;
                }

                @Override
                public void onError(WebSocket w, Throwable error) {
                  closed.complete(-1);
                }
              })
              .get(5, TimeUnit.SECONDS);
      ws.sendText("hi", true);
      assertThat(reply.get(5, TimeUnit.SECONDS)).isEqualTo(pinned + ":hi");
      h.push(Map.of(pinned, ProxyHarness.draining(Instant.now().plusMillis(500))));
      assertThat(closed.get(10, TimeUnit.SECONDS)).isNotNull();
    }
  }
}
