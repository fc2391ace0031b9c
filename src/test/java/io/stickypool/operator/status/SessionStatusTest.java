package io.stickypool.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.api.v1alpha1.BackendStatus;
import io.stickypool.api.v1alpha1.StickyPoolStatus;
import io.stickypool.core.backend.BackendId;
import io.stickypool.operator.endpoints.SessionStats;
import io.stickypool.operator.sessions.PoolSessions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionStatusTest {
  private static final Instant T = Instant.parse("2026-11-28T12:00:00Z");

  private static PoolSessions round(Instant at, int web0, int answered) {
    return new PoolSessions(Map.of(BackendId.of("web-0"), SessionStats.of(web0, T)), 2, answered, List.of(), at);
  }

  /** A status as the writer leaves it, then rewritten from the snapshot (sessions cleared). */
  private static StickyPoolStatus next(StickyPoolStatus previous, PoolSessions sessions) {
    SessionStatus.Shown before = SessionStatus.shown(previous);
    StickyPoolStatus status = new StickyPoolStatus();
    status.setSessions(previous.getSessions());
    status.setSessionsReportedBy(previous.getSessionsReportedBy());
    status.setSessionsObservedAt(previous.getSessionsObservedAt());
    BackendStatus b0 = new BackendStatus();
    b0.setId("web-0");
    BackendStatus b1 = new BackendStatus();
    b1.setId("web-1");
    status.setBackends(List.of(b0, b1));
    SessionStatus.write(status, before, sessions);
    return status;
  }

  @Test
  void showsMergedCountsAndHowCompleteTheyAre() {
    StickyPoolStatus s = next(new StickyPoolStatus(), round(T, 5, 1));
    assertThat(s.getBackends()).extracting(BackendStatus::getSessions).containsExactly(5L, 0L);
    assertThat(s.getSessions()).isEqualTo(5L);
    assertThat(s.getSessionsReportedBy()).isEqualTo("1/2");
    assertThat(s.getSessionsObservedAt()).isEqualTo(T.toString());
  }

  @Test
  void movesTheTimestampOnlyWhenAFigureChanges() {
    StickyPoolStatus first = next(new StickyPoolStatus(), round(T, 5, 2));
    StickyPoolStatus sameSoon = next(first, round(T.plusSeconds(3), 5, 2));
    assertThat(sameSoon.getSessionsObservedAt()).as("no patch for a timestamp").isEqualTo(T.toString());

    assertThat(next(first, round(T.plusSeconds(3), 6, 2)).getSessionsObservedAt())
        .as("a changed figure is shown at once").isEqualTo(T.plusSeconds(3).toString());
    assertThat(next(first, round(T.plusSeconds(600), 5, 2)).getSessionsObservedAt())
        .as("an idle pool's status is not rewritten for a timestamp").isEqualTo(T.toString());
    assertThat(next(first, round(T.plusSeconds(600), 5, 1)).getSessionsObservedAt())
        .as("fewer proxies answering is a change").isEqualTo(T.plusSeconds(600).toString());
  }

  @Test
  void theTotalIsTheSumOfTheBackendsShown() {
    // web-9 left the routes but is still in a proxy's report: not listed, so not counted.
    PoolSessions withALeaver = new PoolSessions(Map.of(BackendId.of("web-0"), SessionStats.of(5, T),
        BackendId.of("web-9"), SessionStats.of(95, T)), 1, 1, List.of(), T);
    StickyPoolStatus s = next(new StickyPoolStatus(), withALeaver);
    assertThat(s.getBackends()).extracting(BackendStatus::getSessions).containsExactly(5L, 0L);
    assertThat(s.getSessions()).isEqualTo(5L);
  }

  @Test
  void unknownWhenNoProxyAnswered() {
    StickyPoolStatus s = next(new StickyPoolStatus(), PoolSessions.none(T));
    assertThat(s.getBackends()).extracting(BackendStatus::getSessions).containsOnlyNulls();
    assertThat(s.getSessions()).isNull();
    assertThat(s.getSessionsReportedBy()).isEqualTo("0/0");
  }
}
