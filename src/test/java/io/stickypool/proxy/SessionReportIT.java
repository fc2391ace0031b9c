package io.stickypool.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.contract.SessionReport;
import io.stickypool.contract.SessionReportCodec;
import io.stickypool.contract.SessionReports;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.testing.ProxyHarness;
import io.stickypool.testing.StickySession;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Session reports and the drained check on a real proxy pair, over real sockets. */
class SessionReportIT {
  private static final SessionReportCodec CODEC = new SessionReportCodec();

  @Test
  void twoReplicasReportSessionsThatMergeToTheTrueCountPerBackend() throws Exception {
    KeyRing keys = KeyRing.generate(new SecureRandom());
    try (ProxyHarness h = ProxyHarness.cookieMode(3, keys);
        ProxyHarness.Second second = h.secondProxy(keys)) {
      Map<String, Integer> truth = new TreeMap<>();
      for (int i = 0; i < 60; i++) {
        StickySession a = h.session();
        a.get("/");
        // Every other session also goes through the second replica with the same cookie.
        if (i % 2 == 0) {
          StickySession b = new StickySession(h.client, second.port(), ProxyHarness.COOKIE);
          b.setCookie(a.cookie());
          b.get("/");
          assertThat(b.lastBackend()).isEqualTo(a.lastBackend());
        }
        truth.merge(a.lastBackend(), 1, Integer::sum);
      }

      SessionReport first = CODEC.fromJson(AdminClient.get(h.adminPort(), "/sessions/report").body());
      SessionReport other = CODEC.fromJson(AdminClient.get(
          second.proxy.adminAddress().getPort(), "/sessions/report").body());
      Map<BackendId, SessionReports.Merged> merged = SessionReports.merge(List.of(first, other));

      assertThat(first.backends()).extracting(SessionReport.Backend::sessions).containsOnly(20);
      assertThat(other.backends().stream().mapToInt(SessionReport.Backend::sessions).sum()).isEqualTo(30);
      truth.forEach((id, n) -> {
        assertThat(merged.get(BackendId.of(id)).sessions()).as(id).isEqualTo((long) n);
        assertThat(merged.get(BackendId.of(id)).lastActivity()).isBeforeOrEqualTo(Instant.now());
      });
      assertThat(first.snapshotVersion()).isEqualTo(1);
    }
  }

  @Test
  void drainedAnswersFromTheSnapshotForPreStopHooks() throws Exception {
    try (ProxyHarness h = ProxyHarness.cookieMode(3, KeyRing.generate(new SecureRandom()))) {
      h.session().get("/");
      Instant deadline = Instant.now().plusSeconds(300);
      h.push(Map.of("b1", ProxyHarness.draining(deadline), "b2", ProxyHarness.removed()));
      org.awaitility.Awaitility.await().until(() ->
          h.proxy.routingState().current().table().snapshot().version() == 2);

      assertThat(AdminClient.get(h.adminPort(), "/drained?backend=b0").statusCode()).isEqualTo(503);
      var draining = AdminClient.get(h.adminPort(), "/drained?backend=b1");
      assertThat(draining.statusCode()).isEqualTo(503);
      assertThat(draining.body()).contains("b1 is DRAINING until " + deadline);
      var gone = AdminClient.get(h.adminPort(), "/drained?backend=b2");
      assertThat(gone.statusCode()).isEqualTo(200);
      assertThat(gone.body()).startsWith("drained: b2 is not routed to");
      assertThat(AdminClient.get(h.adminPort(), "/drained").statusCode()).isEqualTo(400);
      assertThat(AdminClient.get(h.adminPort(), "/drained?backend=a,b").statusCode()).isEqualTo(400);
    }
  }
}
