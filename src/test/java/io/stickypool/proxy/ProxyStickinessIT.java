package io.stickypool.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.core.cookie.KeyRing;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.testing.LeakDetection;
import io.stickypool.testing.ProxyHarness;
import io.stickypool.testing.StickySession;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Stickiness in all four affinity modes, through the real proxy, with a real HTTP client. */
@ExtendWith(LeakDetection.class)
class ProxyStickinessIT {

  @Test
  void keepsEveryCookieSessionOnOneBackendAndSpreadsNewSessionsEvenly() throws Exception {
    try (ProxyHarness h = ProxyHarness.cookieMode(4, KeyRing.generate(new SecureRandom()))) {
      List<StickySession> sessions = new ArrayList<>();
      for (int s = 0; s < 40; s++) {
        sessions.add(h.session());
      }
      for (int round = 0; round < 100; round++) {
        for (StickySession s : sessions) {
          assertThat(s.get("/r").statusCode()).isEqualTo(200);
        }
      }
      Map<String, Integer> perBackend = new HashMap<>();
      for (StickySession s : sessions) {
        assertThat(s.moves()).as("session moved between backends").isZero();
        assertThat(s.setCookies()).as("cookie issued once, not per response").isEqualTo(1);
        perBackend.merge(s.lastBackend(), 1, Integer::sum);
      }
      assertThat(perBackend).hasSize(4);
      assertThat(perBackend.values()).allSatisfy(n -> assertThat(n).isEqualTo(10));
    }
  }

  @Test
  void issuesAnOpaqueSignedCookieWithTheConfiguredAttributes() throws Exception {
    try (ProxyHarness h = ProxyHarness.cookieMode(2, KeyRing.generate(new SecureRandom()))) {
      HttpResponse<String> r =
          h.client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port() + "/")).build(),
              HttpResponse.BodyHandlers.ofString());
      String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
      assertThat(setCookie).matches("sp=[A-Za-z0-9_-]{67}; Path=/; HttpOnly; SameSite=Lax");
      // No address in the text or the bytes. (Backend ids "b0"/"b1" are not checked here: two
      // characters turn up by chance in 67 random base64 ones about one run in thirty.)
      String value = setCookie.substring(3, setCookie.indexOf(';'));
      String decoded = new String(java.util.Base64.getUrlDecoder().decode(value), java.nio.charset.StandardCharsets.ISO_8859_1);
      assertThat(setCookie).doesNotContain("127.0.0.1");
      assertThat(decoded).doesNotContain("127.0.0.1");
      assertThat(r.headers().firstValue("Cache-Control")).hasValue("private");
    }
  }

  @Test
  void hidesTheProxyCookieFromTheBackendButKeepsTheAppsCookies() throws Exception {
    try (ProxyHarness h = ProxyHarness.cookieMode(2, KeyRing.generate(new SecureRandom()))) {
      StickySession s = h.session();
      s.get("/");
      HttpResponse<String> r = s.get("/");
      assertThat(r.headers().firstValue("X-Seen-Cookie")).hasValue("theme=dark");
    }
  }

  @Test
  void ignoresForgedCookiesAndCountsThem() throws Exception {
    try (ProxyHarness h = ProxyHarness.cookieMode(3, KeyRing.generate(new SecureRandom()))) {
      StickySession s = h.session();
      s.get("/");
      String genuine = s.cookie();
      char[] forged = genuine.toCharArray();
      forged[30] = forged[30] == 'A' ? 'B' : 'A';
      s.setCookie(new String(forged));
      HttpResponse<String> r = s.get("/");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(s.cookie()).isNotEqualTo(new String(forged)).isNotEqualTo(genuine);
      s.setCookie("not*a*cookie");
      assertThat(s.get("/").statusCode()).isEqualTo(200);
      String metrics = AdminClient.get(h.adminPort(), "/metrics").body();
      assertThat(metrics).contains("stickypool_cookies_rejected_total{status=\"bad_signature\"} 1.0");
      assertThat(metrics).contains("stickypool_cookies_rejected_total{status=\"malformed\"} 1.0");
    }
  }

  @Test
  void startsAFreshSessionForExpiredAndOversizedCookiesAndCountsThem() throws Exception {
    KeyRing keys = KeyRing.generate(new SecureRandom());
    try (ProxyHarness h = ProxyHarness.cookieMode(2, keys)) {
      java.time.Clock twoDaysAgo =
          java.time.Clock.fixed(java.time.Instant.now().minus(java.time.Duration.ofDays(2)), java.time.ZoneOffset.UTC);
      io.stickypool.core.cookie.CookieCodec old =
          io.stickypool.core.cookie.CookieCodec.of(keys, twoDaysAgo, io.stickypool.core.snapshot.CookieSettings.named("sp"));
      String expired = old.encode(old.newSession(
          io.stickypool.core.cookie.BackendToken.of(io.stickypool.core.backend.BackendId.of("b0")), new SecureRandom()));
      StickySession s = h.session();
      s.setCookie(expired);
      assertThat(s.get("/").statusCode()).isEqualTo(200);
      assertThat(s.cookie()).as("a fresh cookie replaces the expired one").isNotEqualTo(expired);
      StickySession big = h.session();
      big.setCookie("A".repeat(4000));
      assertThat(big.get("/").statusCode()).isEqualTo(200);
      assertThat(big.setCookies()).isEqualTo(1);
      String metrics = AdminClient.get(h.adminPort(), "/metrics").body();
      assertThat(metrics).contains("stickypool_cookies_rejected_total{status=\"expired_absolute\"} 1.0");
      assertThat(metrics).contains("stickypool_cookies_rejected_total{status=\"malformed\"} 1.0");
      assertThat(metrics).contains("outcome=\"cookie_expired\"} 1.0").contains("outcome=\"cookie_invalid\"} 1.0");
    }
  }

  @Test
  void twoProxiesWithTheSameKeysRouteACookieToTheSameBackend() throws Exception {
    KeyRing keys = KeyRing.generate(new SecureRandom());
    try (ProxyHarness a = ProxyHarness.cookieMode(4, keys)) {
      ProxyHarness.Second b = a.secondProxy(keys);
      try (b) {
        for (int i = 0; i < 20; i++) {
          StickySession s = a.session();
          s.get("/");
          StickySession t = new StickySession(a.client, b.port(), ProxyHarness.COOKIE);
          t.setCookie(s.cookie());
          t.get("/");
          assertThat(t.lastBackend()).isEqualTo(s.lastBackend());
          assertThat(t.setCookies()).isZero();
        }
      }
    }
  }

  @Test
  void headerAffinityKeepsEachKeyOnOneBackend() throws Exception {
    try (ProxyHarness h = ProxyHarness.withAffinity(4, AffinitySettings.header("X-User"))) {
      assertKeyStickiness(h, key -> HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port() + "/")).header("X-User", key));
    }
  }

  @Test
  void appCookieAffinityFollowsTheApplicationsSessionCookie() throws Exception {
    try (ProxyHarness h = ProxyHarness.withAffinity(4, AffinitySettings.appCookie("JSESSIONID"))) {
      assertKeyStickiness(h, key -> HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port() + "/"))
          .header("Cookie", "a=1; JSESSIONID=" + key + "; z=2"));
    }
  }

  @Test
  void clientIpAffinityBelievesForwardedForOnlyFromTrustedProxies() throws Exception {
    try (ProxyHarness h = ProxyHarness.withAffinity(4, AffinitySettings.clientIp(List.of("127.0.0.0/8")))) {
      assertKeyStickiness(h, key -> HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port() + "/"))
          .header("X-Forwarded-For", "203.0.113." + (Math.abs(key.hashCode()) % 250) + ", 127.0.0.9"));
    }
    try (ProxyHarness h = ProxyHarness.withAffinity(4, AffinitySettings.clientIp(List.of()))) {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 30; i++) {
        HttpResponse<String> r = h.client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port() + "/"))
            .header("X-Forwarded-For", "198.51.100." + i).build(), HttpResponse.BodyHandlers.ofString());
        seen.add(r.body());
      }
      assertThat(seen).as("untrusted X-Forwarded-For is ignored: one client address, one backend").hasSize(1);
    }
  }

  private static void assertKeyStickiness(ProxyHarness h, java.util.function.Function<String, HttpRequest.Builder> request)
      throws Exception {
    Map<String, String> firstBackend = new HashMap<>();
    for (int round = 0; round < 20; round++) {
      for (int k = 0; k < 30; k++) {
        String key = "user-" + k;
        HttpResponse<String> r = h.client.send(request.apply(key).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        String prior = firstBackend.putIfAbsent(key, r.body());
        if (prior != null) {
          assertThat(r.body()).as("key %s", key).isEqualTo(prior);
        }
        assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
      }
    }
    assertThat(new HashSet<>(firstBackend.values())).hasSizeGreaterThan(1);
  }
}
