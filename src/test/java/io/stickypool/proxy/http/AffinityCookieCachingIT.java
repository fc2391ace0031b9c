package io.stickypool.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.core.cookie.KeyRing;
import io.stickypool.testing.LeakDetection;
import io.stickypool.testing.ProxyHarness;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A response that sets a new affinity cookie never reaches the client as something a shared cache
 * may store, whatever the backend said; once the client holds its cookie, the backend's caching
 * passes through untouched.
 */
@ExtendWith(LeakDetection.class)
class AffinityCookieCachingIT {
  private static HttpResponse<String> get(ProxyHarness h, String cacheControl, String cookie) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port() + "/page"))
        .header("X-Answer-Cache-Control", cacheControl);
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return h.client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void makesAPubliclyCacheableResponseWithANewCookiePrivate() throws Exception {
    try (ProxyHarness h = ProxyHarness.cookieMode(2, KeyRing.generate(new SecureRandom()))) {
      HttpResponse<String> first = get(h, "public, max-age=600", null);
      assertThat(first.headers().firstValue("Set-Cookie")).isPresent();
      List<String> cc = first.headers().allValues("Cache-Control");
      assertThat(String.join(", ", cc)).contains("private").contains("max-age=600").doesNotContain("public");

      HttpResponse<String> shared = get(h, "s-maxage=60, max-age=10", null);
      assertThat(String.join(", ", shared.headers().allValues("Cache-Control")))
          .contains("private").contains("max-age=10").doesNotContain("s-maxage");

      String cookie = first.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
      HttpResponse<String> again = get(h, "public, max-age=600", cookie);
      assertThat(again.headers().firstValue("Set-Cookie")).isEmpty();
      assertThat(again.headers().allValues("Cache-Control")).containsExactly("public, max-age=600");
      assertThat(again.body()).isEqualTo(first.body());
    }
  }

  @Test
  void leavesANoStoreResponseAsItIs() throws Exception {
    try (ProxyHarness h = ProxyHarness.cookieMode(2, KeyRing.generate(new SecureRandom()))) {
      HttpResponse<String> r = get(h, "no-store", null);
      assertThat(r.headers().firstValue("Set-Cookie")).isPresent();
      assertThat(r.headers().allValues("Cache-Control")).containsExactly("no-store");
    }
  }
}
