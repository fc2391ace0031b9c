package io.stickypool.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stickypool.core.cookie.KeyRing;
import io.stickypool.testing.LeakDetection;
import io.stickypool.testing.ProxyHarness;
import io.stickypool.testing.StickySession;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Per-backend series are labelled with pod names, so a rollout would add series for ever if the
 * meters of a backend that left the routes stayed: scraped before and after a routes change.
 */
@ExtendWith(LeakDetection.class)
class BackendMetersIT {

  @Test
  void dropsTheSeriesOfABackendThatLeftTheRoutes() throws Exception {
    try (ProxyHarness h = ProxyHarness.cookieMode(3, KeyRing.generate(new SecureRandom()))) {
      List<StickySession> sessions = new ArrayList<>();
      for (int i = 0; i < 9; i++) {
        StickySession s = h.session();
        s.get("/");
        sessions.add(s);
      }
      String before = scrape(h);
      assertThat(before)
          .contains("stickypool_requests_total{backend=\"b2\",outcome=\"new_session\"} 3.0")
          .contains("stickypool_request_duration_seconds_count{backend=\"b2\"}")
          .contains("stickypool_backend_exchanges_total{backend=\"b2\",result=\"responded\"} 3.0")
          .contains("stickypool_backend_sessions{backend=\"b2\"} 3.0");

      h.push(Map.of("b2", ProxyHarness.removed()));
      await().atMost(Duration.ofSeconds(5)).until(() -> !scrape(h).contains("\"b2\""));
      for (StickySession s : sessions) {
        s.get("/");
      }

      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(scrape(h))
          .doesNotContain("\"b2\"")
          .contains("stickypool_requests_total{backend=\"b0\",outcome=\"sticky\"}")
          .contains("stickypool_backend_sessions{backend=\"b0\"}")
          .contains("stickypool_snapshot_version 2.0"));
      assertThat(sessions).allSatisfy(s -> assertThat(s.lastBackend()).isNotEqualTo("b2"));
    }
  }

  private static String scrape(ProxyHarness h) throws Exception {
    return AdminClient.get(h.adminPort(), "/metrics").body();
  }
}
