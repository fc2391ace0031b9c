package io.stickypool.operator.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.core.backend.BackendId;
import io.stickypool.core.drain.DrainPhase;
import io.stickypool.core.drain.DrainPolicy;
import io.stickypool.core.drain.DrainTransition;
import io.stickypool.operator.endpoints.BackendTransition;
import io.stickypool.operator.endpoints.SessionStats;
import io.stickypool.operator.sessions.PoolSessions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DrainEventTextTest {
  private static final Instant T = Instant.parse("2026-11-28T12:00:00Z");
  private static final DrainPolicy POLICY = new DrainPolicy(Duration.ofMinutes(5), Duration.ofMinutes(1));
  private static final BackendId WEB_1 = BackendId.of("web-1");
  private static final Instant DEADLINE = T.plus(POLICY.drainTimeout());
  private static final PoolSessions PARTIAL =
      new PoolSessions(Map.of(WEB_1, SessionStats.of(3, T)), 2, 1, List.of("web-proxy-b: timeout"), T);

  private static String message(DrainTransition kind, DrainPhase from, DrainPhase to, Integer live, Instant at) {
    return DrainEventText.message(new BackendTransition(WEB_1, kind, from, to, live, DEADLINE), PARTIAL, POLICY, at);
  }

  @Test
  void drainingSaysTheCountAndTheDeadline() {
    assertThat(message(DrainTransition.STARTED_DRAINING, DrainPhase.ACTIVE, DrainPhase.DRAINING, 1, T))
        .isEqualTo("Backend web-1 draining with 1 live session until 2026-11-28T12:05:00Z (drain timeout 5m)");
    assertThat(message(DrainTransition.STARTED_DRAINING, DrainPhase.ACTIVE, DrainPhase.DRAINING, null, T))
        .isEqualTo("Backend web-1 draining with at least 3 live sessions (1/2 proxies answered)"
            + " until 2026-11-28T12:05:00Z (drain timeout 5m)");
  }

  @Test
  void drainedSaysHowLongAndWhy() {
    assertThat(message(DrainTransition.DRAIN_COMPLETED_NO_SESSIONS, DrainPhase.DRAINING, DrainPhase.DRAINED, 0,
        T.plusSeconds(42))).isEqualTo("Backend web-1 drained after 42s: no sessions left");
    assertThat(message(DrainTransition.DRAIN_COMPLETED_NO_SESSIONS, DrainPhase.DRAINING, DrainPhase.DRAINED, 0,
        DEADLINE.plusMillis(200))).as("empty because the proxies re-pinned at the deadline")
        .isEqualTo("Backend web-1 drained after 5m: deadline passed; the proxies re-pinned its remaining sessions");
    assertThat(message(DrainTransition.DRAIN_COMPLETED_SESSIONS_IDLE, DrainPhase.DRAINING, DrainPhase.DRAINED, 2,
        T.plusMillis(1500))).isEqualTo("Backend web-1 drained after 1s500ms: all 2 live sessions remaining idle for 1m or more");
    assertThat(message(DrainTransition.DRAIN_TIMED_OUT, DrainPhase.DRAINING, DrainPhase.DRAINED, 7, DEADLINE))
        .as("no count: it would race the proxies' own re-pins at the deadline")
        .isEqualTo("Backend web-1 drained after 5m: deadline passed; the proxies re-pin the sessions still"
            + " pinned (SessionsRebalanced counts them)");
  }

  @Test
  void aBackendNeverSeenBeforeIsAnnouncedAsNew() {
    assertThat(DrainEventText.message(new BackendTransition(WEB_1, DrainTransition.BECAME_ACTIVE,
        DrainPhase.REMOVED, DrainPhase.ACTIVE, null, null), PARTIAL, POLICY, T))
        .isEqualTo("Backend web-1 added: a new ready endpoint, now ACTIVE");
  }

  @Test
  void otherTransitionsKeepTheirShortForm() {
    assertThat(DrainEventText.message(new BackendTransition(WEB_1, DrainTransition.BECAME_ACTIVE,
        DrainPhase.DRAINED, DrainPhase.ACTIVE, null, null), PARTIAL, POLICY, T))
        .isEqualTo("Backend web-1: DRAINED -> ACTIVE");
  }
}
