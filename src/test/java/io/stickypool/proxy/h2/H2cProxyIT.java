package io.stickypool.proxy.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.core.snapshot.CookieSettings;
import io.stickypool.core.snapshot.PlacementSettings;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.proxy.ProxyRuntime;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.health.HealthSettings;
import io.stickypool.proxy.http.ProxySettings;
import io.stickypool.proxy.server.ProxyServer;
import io.stickypool.testing.H2Client;
import io.stickypool.testing.LeakDetection;
import io.stickypool.testing.ProxyHarness;
import io.stickypool.testing.PushRoutesSource;
import io.stickypool.testing.ScriptedBackend;
import io.stickypool.testing.TestBackend;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * HTTP/2 with prior knowledge on the plain listener, against real backends: each stream is one
 * request routed exactly as an HTTP/1.1 one.
 */
@ExtendWith(LeakDetection.class)
class H2cProxyIT {
  private static final String COOKIE = ProxyHarness.COOKIE;

  @Test
  void cookieIssuedOnOneStreamPinsLaterStreamsConnectionsAndHttp1() throws Exception {
    try (ProxyHarness h = ProxyHarness.cookieMode(4, KeyRing.generate(new SecureRandom()));
        H2Client c = H2Client.connect(h.port())) {
      H2Client.Response first = c.fetch(H2Client.get("/"));
      assertThat(first.status()).isEqualTo(200);
      String setCookie = first.header("set-cookie");
      assertThat(setCookie).startsWith(COOKIE + "=");
      assertThat(first.header("connection")).isNull();
      String pinned = first.header("x-backend");
      String value = setCookie.substring(COOKIE.length() + 1, setCookie.indexOf(';'));

      // RFC 9113 8.2.3: cookie crumbs in separate fields, joined again for the backend
      Http2Headers withCookie = H2Client.get("/").add("cookie", "theme=dark").add("cookie", COOKIE + "=" + value);
      List<CompletableFuture<H2Client.Response>> streams = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        streams.add(c.send(withCookie, null));
      }
      for (CompletableFuture<H2Client.Response> s : streams) {
        H2Client.Response r = s.get(10, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-backend")).isEqualTo(pinned);
        assertThat(r.header("set-cookie")).isNull();
      }
      try (H2Client other = H2Client.connect(h.port())) {
        assertThat(other.fetch(withCookie).header("x-backend")).isEqualTo(pinned);
      }
      HttpResponse<String> http1 = h.client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port() + "/"))
              .header("Cookie", COOKIE + "=" + value).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(http1.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_1_1);
      assertThat(http1.headers().firstValue("X-Backend")).hasValue(pinned);
    }
  }

  @Test
  void concurrentStreamsOnOneConnectionAreSpreadAndEachStaysWithItsBackend() throws Exception {
    try (ProxyHarness h = ProxyHarness.cookieMode(4, KeyRing.generate(new SecureRandom()));
        H2Client c = H2Client.connect(h.port())) {
      List<CompletableFuture<H2Client.Response>> fresh = new ArrayList<>();
      for (int i = 0; i < 80; i++) {
        fresh.add(c.send(H2Client.get("/s" + i), null));
      }
      Set<String> backends = new HashSet<>();
      List<CompletableFuture<H2Client.Response>> again = new ArrayList<>();
      List<String> expected = new ArrayList<>();
      for (CompletableFuture<H2Client.Response> f : fresh) {
        H2Client.Response r = f.get(10, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(200);
        backends.add(r.header("x-backend"));
        String sc = r.header("set-cookie");
        expected.add(r.header("x-backend"));
        again.add(c.send(H2Client.get("/").add("cookie", sc.substring(0, sc.indexOf(';'))), null));
      }
      assertThat(backends).hasSize(4);
      for (int i = 0; i < again.size(); i++) {
        assertThat(again.get(i).get(10, TimeUnit.SECONDS).header("x-backend")).isEqualTo(expected.get(i));
      }
    }
  }

  @Test
  void clientIpAffinitySeesTheConnectionsAddress() throws Exception {
    try (ProxyHarness h = ProxyHarness.withAffinity(4, AffinitySettings.clientIp(List.of()));
        H2Client c = H2Client.connect(h.port())) {
      HttpResponse<String> http1 = h.client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port() + "/")).build(),
          HttpResponse.BodyHandlers.ofString());
      String expected = http1.headers().firstValue("X-Backend").orElseThrow();
      for (int i = 0; i < 10; i++) {
        H2Client.Response r = c.fetch(H2Client.get("/ip" + i));
        assertThat(r.header("x-backend")).isEqualTo(expected);
        assertThat(r.header("x-seen-x-forwarded-for")).isEqualTo("127.0.0.1");
      }
    }
  }

  @Test
  void requestBodiesOfDeclaredAndUndeclaredLengthReachTheBackendWhole() throws Exception {
    byte[] body = new byte[3_000_000];
    new Random(7).nextBytes(body);
    CRC32 crc = new CRC32();
    crc.update(body);
    try (ProxyHarness h = ProxyHarness.cookieMode(2, KeyRing.generate(new SecureRandom()));
        H2Client c = H2Client.connect(h.port())) {
      Http2Headers declared = post().setInt("content-length", body.length);
      CompletableFuture<H2Client.Response> a = c.send(declared, body);
      CompletableFuture<H2Client.Response> b = c.send(post(), body);
      assertThat(a.get(20, TimeUnit.SECONDS).text()).isEqualTo(body.length + " " + crc.getValue());
      assertThat(b.get(20, TimeUnit.SECONDS).text()).isEqualTo(body.length + " " + crc.getValue());
    }
  }

  @Test
  void largeResponsesFlowOnSeveralStreamsAtOnce() throws Exception {
    try (ProxyHarness h = ProxyHarness.cookieMode(2, KeyRing.generate(new SecureRandom()));
        H2Client c = H2Client.connect(h.port())) {
      List<CompletableFuture<H2Client.Response>> downloads = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        downloads.add(c.send(H2Client.get("/download/" + (4_000_000 + i)), null));
      }
      for (int i = 0; i < 4; i++) {
        H2Client.Response r = downloads.get(i).get(30, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).hasSize(4_000_000 + i);
        assertThat(TestBackend.matchesDownloadPattern(r.body())).isTrue();
      }
    }
  }

  @Test
  void aBackendThatFailsGivesItsStream502WhileTheOthersContinue() throws Exception {
    try (ScriptedBackend backend = ScriptedBackend.start().answer(m -> m.target().equals("/fail")
            ? "not http at all\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)
            : ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok").getBytes(StandardCharsets.ISO_8859_1));
        ProxyRuntime proxy = proxyOver(backend.port());
        H2Client c = H2Client.connect(proxy.trafficAddress().getPort())) {
      List<CompletableFuture<H2Client.Response>> ok = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        ok.add(c.send(H2Client.get("/ok" + i), null));
      }
      CompletableFuture<H2Client.Response> failed = c.send(H2Client.get("/fail"), null);
      for (int i = 10; i < 20; i++) {
        ok.add(c.send(H2Client.get("/ok" + i), null));
      }
      assertThat(failed.get(10, TimeUnit.SECONDS).status()).isEqualTo(502);
      for (CompletableFuture<H2Client.Response> f : ok) {
        H2Client.Response r = f.get(10, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("ok");
      }
      assertThat(c.isOpen()).isTrue();
    }
  }

  @Test
  void gracefulShutdownSendsGoAwayAndLetsAnOpenStreamFinish() throws Exception {
    try (ScriptedBackend backend = ScriptedBackend.start().mode(ScriptedBackend.Mode.READ_THEN_ANSWER, 700)
            .answer(m -> "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nslow".getBytes(StandardCharsets.ISO_8859_1));
        ProxyRuntime proxy = proxyOver(backend.port());
        H2Client c = H2Client.connect(proxy.trafficAddress().getPort())) {
      CompletableFuture<H2Client.Response> open = c.send(H2Client.get("/slow"), null);
      await().atMost(Duration.ofSeconds(5)).until(() -> backend.received().size() == 1);
      CompletableFuture<ProxyServer.ShutdownReport> report =
          CompletableFuture.supplyAsync(() -> shutdown(proxy));
      await().atMost(Duration.ofSeconds(5)).until(() -> c.goAwayCode.get() >= 0);
      assertThat(c.goAwayCode.get()).isEqualTo(Http2Error.NO_ERROR.code());
      H2Client.Response r = open.get(10, TimeUnit.SECONDS);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("slow");
      assertThat(report.get(10, TimeUnit.SECONDS).forced()).isZero();
    }
  }

  private static ProxyServer.ShutdownReport shutdown(ProxyRuntime proxy) {
    try {
      return proxy.shutdown(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Http2Headers post() {
    return H2Client.get("/upload").method("POST");
  }

  /** A header-affinity proxy whose only backend is {@code port}. */
  private static ProxyRuntime proxyOver(int port) throws Exception {
    RoutingSnapshot routes = new RoutingSnapshot(1, AffinitySettings.header("X-User"), PlacementSettings.defaults(),
        List.of(Backend.active(BackendId.of("s0"), "127.0.0.1", port)));
    ProxyConfig config = new ProxyConfig(
        new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0),
        ProxySettings.defaults().withBackendTimeout(Duration.ofSeconds(5)), HealthSettings.defaults(),
        1000, 1, null, null, routes);
    return ProxyRuntime.start(config, new PushRoutesSource(routes), KeyRing.generate(new SecureRandom()));
  }
}
