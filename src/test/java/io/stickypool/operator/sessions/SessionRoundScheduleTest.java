package io.stickypool.operator.sessions;

import static io.stickypool.operator.sessions.CannedReport.keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SessionRoundScheduleTest {
  private static final Duration REFRESH = Duration.ofMillis(200);
  private static final Instant T = Instant.parse("2026-12-03T12:00:00Z");

  @Test
  void wakesThePoolOnlyWhenItsFiguresChange() {
    AtomicReference<String> report = new AtomicReference<>(
        CannedReport.of("proxy-a").backend("web-0", T, keys(0, 5)).json());
    AtomicInteger rounds = new AtomicInteger();
    ReportFetcher fetcher = t -> {
      rounds.incrementAndGet();
      return CompletableFuture.completedFuture(report.get());
    };
    List<String> woken = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (SessionRoundSchedule<String> schedule = new SessionRoundSchedule<>(
        new SessionCollector(fetcher, Duration.ofSeconds(1), Clock.systemUTC()), REFRESH, REFRESH)) {
      schedule.wakeWith(woken::add);
      schedule.follow("web", "uid-1", List.of(new AdminTarget("proxy-a", "127.0.0.1", 9901)), false);

      await().atMost(Duration.ofSeconds(10)).until(() -> rounds.get() >= 4);
      assertThat(woken).as("the first round is news, the same figures again are not").containsExactly("web");
      assertThat(schedule.latest("uid-1", T).sessions(io.stickypool.core.backend.BackendId.of("web-0")))
          .hasValue(5);

      // Only the time of the last activity moves: nothing a reconcile acts on.
      report.set(CannedReport.of("proxy-a").backend("web-0", T.plusSeconds(9), keys(0, 5)).json());
      int seen = rounds.get();
      await().atMost(Duration.ofSeconds(10)).until(() -> rounds.get() >= seen + 3);
      assertThat(woken).hasSize(1);

      report.set(CannedReport.of("proxy-a").backend("web-0", T, keys(0, 6)).json());
      await().atMost(Duration.ofSeconds(10)).until(() -> woken.size() == 2);

      schedule.forget("uid-1");
      int atForget = rounds.get();
      await().pollDelay(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> true);
      assertThat(rounds.get()).as("a forgotten pool is asked no more").isLessThanOrEqualTo(atForget + 1);
    }
  }

  @Test
  void poolsStartedTogetherTakeSlotsSpreadOverThePeriod() {
    Duration period = Duration.ofSeconds(10);
    long now = 1_000_000L;
    Map<Long, Integer> perSecond = new TreeMap<>();
    for (int i = 0; i < 1000; i++) {
      long delay = SessionRoundSchedule.untilPhase(java.util.UUID.nameUUIDFromBytes(("pool-" + i).getBytes()).toString(),
          period, now);
      assertThat(delay).isBetween(period.toMillis() / 2, period.toMillis() * 3 / 2);
      perSecond.merge(((now + delay) % period.toMillis()) / 1000, 1, Integer::sum);
    }
    // 100 per second of the period on average; in step they would all be in one.
    assertThat(perSecond).hasSize(10);
    assertThat(perSecond.values()).allSatisfy(n -> assertThat(n).isBetween(60, 140));
  }
}
