package io.stickypool.operator.sessions;

import static io.stickypool.operator.sessions.CannedReport.keys;
import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.core.backend.BackendId;
import io.stickypool.operator.endpoints.SessionStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SessionCollectorTest {
  private static final Instant T = Instant.parse("2026-11-28T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(T, ZoneOffset.UTC);
  private static final BackendId WEB_0 = BackendId.of("web-0");
  private static final BackendId WEB_1 = BackendId.of("web-1");
  private static final BackendId WEB_2 = BackendId.of("web-2");

  private static SessionCollector canned(Map<String, String> bodies) {
    ReportFetcher fetcher = t -> bodies.containsKey(t.pod())
        ? CompletableFuture.completedFuture(bodies.get(t.pod()))
        : CompletableFuture.failedFuture(new java.net.ConnectException("Connection refused"));
    return new SessionCollector(fetcher, Duration.ofSeconds(1), CLOCK);
  }

  private static AdminTarget target(String pod) {
    return new AdminTarget(pod, "10.1.0.1", 9901);
  }

  @Test
  void mergesEveryReplicaWithoutCountingSharedSessionsTwice() {
    SessionCollector collector = canned(Map.of(
        "proxy-a", CannedReport.of("proxy-a").backend("web-0", T, keys(0, 5)).backend("web-1", null).json(),
        "proxy-b", CannedReport.of("proxy-b").backend("web-0", T.plusSeconds(3), keys(3, 8)).json()));

    PoolSessions s = collector.collect(List.of(target("proxy-a"), target("proxy-b")));

    assertThat(s.complete()).isTrue();
    assertThat(s.reportedBy()).isEqualTo("2/2");
    assertThat(s.perBackend().get(WEB_0)).isEqualTo(SessionStats.of(8, T.plusSeconds(3)));
    assertThat(s.forDrain(List.of(WEB_0, WEB_1, WEB_2)))
        .as("a complete round knows that an unlisted backend holds nothing")
        .containsEntry(WEB_1, SessionStats.of(0, null)).containsEntry(WEB_2, SessionStats.of(0, null));
    assertThat(s.at()).isEqualTo(T);
  }

  @Test
  void malformedOrMissingReplicaMakesThePartialFigureUselessForDrains() {
    SessionCollector collector = canned(Map.of(
        "proxy-a", CannedReport.of("proxy-a").backend("web-0", T, keys(0, 4)).json(),
        "proxy-b", "{\"schemaVersion\": 7}"));

    PoolSessions s = collector.collect(List.of(target("proxy-a"), target("proxy-b"), target("proxy-c")));

    assertThat(s.complete()).isFalse();
    assertThat(s.reportedBy()).isEqualTo("1/3");
    assertThat(s.sessions(WEB_0)).as("shown as a lower bound").hasValue(4);
    assertThat(s.forDrain(List.of(WEB_0, WEB_1))).as("never ends a drain early").isEmpty();
    assertThat(s.missing()).containsExactly(
        "proxy-b: malformed report: schemaVersion 7 is not within 1..2",
        "proxy-c: ConnectException: Connection refused");
  }

  @Test
  void noProxyToAskIsUnknown() {
    PoolSessions s = canned(Map.of()).collect(List.of());
    assertThat(s.known()).isFalse();
    assertThat(s.reportedBy()).isEqualTo("0/0");
    assertThat(s.sessions(WEB_0)).isEmpty();
    assertThat(s.forDrain(List.of(WEB_0))).isEmpty();
  }

  @Test
  void fetcherThatThrowsCountsAsMissing() {
    SessionCollector collector = new SessionCollector(t -> {
      throw new IllegalStateException("no route");
    }, Duration.ofSeconds(1), CLOCK);
    assertThat(collector.collect(List.of(target("proxy-a"))).missing())
        .containsExactly("proxy-a: IllegalStateException: no route");
  }

  @Test
  void realServersAnswerConcurrentlyAndSlowOrBrokenOnesAreMissingWithinTheBound() {
    try (ReportServer good = new ReportServer();
        ReportServer slow = new ReportServer();
        ReportServer garbage = new ReportServer();
        ReportServer failing = new ReportServer()) {
      good.serve(CannedReport.of("good").backend("web-0", T, keys(0, 3)).json());
      slow.serve(CannedReport.of("slow").backend("web-0", T, keys(10, 20)).json()).delay(Duration.ofSeconds(5));
      garbage.serve("<html>not a report</html>");
      failing.status(503);
      SessionCollector collector = new SessionCollector(
          new HttpReportFetcher(Duration.ofMillis(500), Duration.ofMillis(700)), Duration.ofSeconds(1), Clock.systemUTC());

      long start = System.nanoTime();
      PoolSessions s = collector.collect(List.of(good.target("good"), slow.target("slow"),
          garbage.target("garbage"), failing.target("failing")));
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(took).as("bounded by the deadline, not the slow server").isLessThan(Duration.ofMillis(1800));
      assertThat(s.reportedBy()).isEqualTo("1/4");
      assertThat(s.sessions(WEB_0)).hasValue(3);
      assertThat(s.missing()).hasSize(3);
      assertThat(s.missing().get(0)).startsWith("slow: HttpTimeoutException");
      assertThat(s.missing().get(1)).startsWith("garbage: malformed report: not JSON");
      assertThat(s.missing().get(2)).isEqualTo("failing: IOException: HTTP 503");
    }
  }
}
