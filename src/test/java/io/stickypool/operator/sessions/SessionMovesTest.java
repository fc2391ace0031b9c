package io.stickypool.operator.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.contract.SessionReports.Move;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.session.RepinReason;
import io.stickypool.operator.endpoints.SessionStats;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SessionMovesTest {
  private static final Instant T = Instant.parse("2026-11-28T12:00:00Z");
  private static final BackendId WEB_0 = BackendId.of("web-0");
  private static final BackendId WEB_1 = BackendId.of("web-1");
  private static final BackendId WEB_2 = BackendId.of("web-2");
  private static final Duration QUIET = Duration.ofSeconds(5);
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private final SessionMoves moves = new SessionMoves(QUIET, PATIENCE);

  @Test
  void countsEachSessionMovedAwayOnceWithWhereItWentAndWhy() {
    assertThat(moves.round(at(0).counts(5, 3, 2).done(), Set.of(WEB_1))).isEmpty();
    assertThat(moves.settling()).isTrue();

    List<String> told = moves.round(at(1).counts(7, 0, 3)
        .moved(WEB_1, 1, WEB_0, RepinReason.DRAINED).moved(WEB_1, 2, WEB_0, RepinReason.DRAINED)
        .moved(WEB_1, 3, WEB_2, RepinReason.DRAINED).done(), Set.of());

    assertThat(told).containsExactly(
        "3 sessions moved from web-1 to web-0 (+2), web-2 (+1), re-pinned by the proxies when it drained");
    assertThat(moves.settling()).isFalse();
    assertThat(moves.round(at(2).counts(7, 0, 3).moved(WEB_1, 1, WEB_0, RepinReason.DRAINED).done(), Set.of()))
        .as("once per leave").isEmpty();
  }

  @Test
  void addsUpMovesOverRoundsThoughProxiesStopListingSessionsThatIdledOut() {
    moves.round(at(0).counts(5, 3, 2).done(), Set.of(WEB_1));
    assertThat(moves.round(at(1).counts(6, 2, 2).moved(WEB_1, 1, WEB_0, RepinReason.REMOVED).done(), Set.of()))
        .as("1 of 3 so far").isEmpty();
    assertThat(moves.round(at(2).counts(5, 1, 3).moved(WEB_1, 2, WEB_2, RepinReason.REMOVED).done(), Set.of()))
        .isEmpty();

    assertThat(moves.round(at(3).counts(6, 0, 3).moved(WEB_1, 3, WEB_0, RepinReason.REMOVED).done(), Set.of()))
        .containsExactly("3 sessions moved from web-1 to web-0 (+2), web-2 (+1), re-pinned by the proxies"
            + " when it was removed");
  }

  @Test
  void tellsWhenNoSessionIsLeftOnTheBackendThoughSomeNeverCameBack() {
    moves.round(at(0).counts(5, 3).done(), Set.of(WEB_1));
    assertThat(moves.round(at(1).counts(6, 2).moved(WEB_1, 1, WEB_0, RepinReason.DRAINED).done(), Set.of()))
        .isEmpty();
    assertThat(moves.round(at(2).counts(6, 0).moved(WEB_1, 1, WEB_0, RepinReason.DRAINED).done(), Set.of()))
        .as("the other 2 idled out").containsExactly(
            "1 sessions moved from web-1 to web-0 (+1) (of 3 it held), re-pinned by the proxies when it drained");
  }

  @Test
  void waitsWhileUsersComeBackThenTellsOnceTheMovesStopGrowingForAWhile() {
    moves.round(at(0).counts(10, 12).done(), Set.of(WEB_1));
    Round moved = at(1).counts(11, 11).moved(WEB_1, 1, WEB_0, RepinReason.DRAINED);
    assertThat(moves.round(moved.done(), Set.of())).isEmpty();
    assertThat(moves.round(moved.at(3).done(), Set.of()))
        .as("rounds come faster than users: a short pause is no sign that the moves stopped").isEmpty();
    assertThat(moves.round(moved.at(6).done(), Set.of()))
        .as("the other 11 users did not come back for 5s").containsExactly(
            "1 sessions moved from web-1 to web-0 (+1) (of 12 it held), re-pinned by the proxies when it drained");
  }

  @Test
  void sessionsAlreadyListedAsMovedWhenTheBackendLeftAreNotCountedForThisLeave() {
    // web-1 failed over on one proxy earlier (session 9); now it leaves for good with 2 sessions.
    moves.round(at(0).counts(5, 2).moved(WEB_1, 9, WEB_0, RepinReason.FAILOVER).done(), Set.of(WEB_1));

    assertThat(moves.round(at(1).counts(7, 0).moved(WEB_1, 9, WEB_0, RepinReason.FAILOVER)
        .moved(WEB_1, 1, WEB_0, RepinReason.DRAINED).moved(WEB_1, 2, WEB_0, RepinReason.FAILOVER).done(), Set.of()))
        .containsExactly("2 sessions moved from web-1 to web-0 (+2), re-pinned by the proxies (1 when it drained,"
            + " 1 when it failed)");
  }

  @Test
  void backendsLeavingTogetherEachCountTheirOwnSessions() {
    moves.round(at(0).counts(4, 2, 1).done(), Set.of(WEB_1, WEB_2));

    assertThat(moves.round(at(1).counts(7, 0, 0).moved(WEB_1, 1, WEB_0, RepinReason.DRAINED)
        .moved(WEB_1, 2, WEB_0, RepinReason.DRAINED).moved(WEB_2, 3, WEB_0, RepinReason.DRAINED).done(), Set.of()))
        .containsExactly(
            "2 sessions moved from web-1 to web-0 (+2), re-pinned by the proxies when it drained",
            "1 sessions moved from web-2 to web-0 (+1), re-pinned by the proxies when it drained");
  }

  @Test
  void readsWhatABackendHeldFromTheLastCompleteRoundBeforeItLeft() {
    moves.round(at(0).counts(5, 3).done(), Set.of());
    moves.round(at(1).counts(5, 3).partial(), Set.of());
    // Noticed at 2s, but it left at its deadline, 0.5s, and proxies re-pinned on their own since.
    assertThat(moves.round(at(2).counts(8, 0).moved(WEB_1, 1, WEB_0, RepinReason.DRAINED)
        .moved(WEB_1, 2, WEB_0, RepinReason.DRAINED).moved(WEB_1, 3, WEB_0, RepinReason.DRAINED).done(),
        Map.of(WEB_1, T.plusMillis(500))))
        .containsExactly("3 sessions moved from web-1 to web-0 (+3), re-pinned by the proxies when it drained");
  }

  @Test
  void saysWhatIsKnownWhenNoCompleteRoundCameInTime() {
    moves.round(at(0).counts(1, 6).done(), Set.of(WEB_1));
    Round some = at(10).counts(3, 4).moved(WEB_1, 1, WEB_0, RepinReason.DRAINED)
        .moved(WEB_1, 2, WEB_0, RepinReason.DRAINED);
    assertThat(moves.round(some.partial(), Set.of())).isEmpty();
    assertThat(moves.round(some.at(30).partial(), Set.of())).containsExactly("2 sessions moved from web-1 to"
        + " web-0 (+2) (of 6 it held), re-pinned by the proxies when it drained; partial figure, 1/2 proxies answered");
  }

  @Test
  void saysSoWhenNoProxyAnswered() {
    moves.round(at(0).counts(1, 6).done(), Set.of(WEB_1));
    assertThat(moves.round(PoolSessions.none(T.plusSeconds(30)), Set.of()))
        .containsExactly("6 sessions left web-1; where they went is unknown (no proxy answered in 30s)");
  }

  @Test
  void aBackendThatLeftEmptyOrUnknownIsNotFollowed() {
    assertThat(moves.round(at(0).counts(5, 0).done(), Set.of(WEB_1))).isEmpty();
    assertThat(moves.settling()).isFalse();
    SessionMoves unknown = new SessionMoves(QUIET, PATIENCE);
    unknown.round(PoolSessions.none(T), Set.of(WEB_1));
    assertThat(unknown.settling()).isFalse();
  }

  private static Round at(long seconds) {
    return new Round(seconds, new TreeMap<>(), new TreeMap<>());
  }

  /** A round's merged figures: counts of web-0, web-1, ... and the sessions listed as moved. */
  private record Round(long seconds, Map<BackendId, SessionStats> counts, Map<BackendId, Map<Long, Move>> moved) {
    Round counts(int... perBackend) {
      for (int i = 0; i < perBackend.length; i++) {
        counts.put(BackendId.of("web-" + i), SessionStats.of(perBackend[i], T));
      }
      return this;
    }

    Round moved(BackendId from, long key, BackendId to, RepinReason why) {
      moved.computeIfAbsent(from, id -> new HashMap<>()).put(key, new Move(to, why, T.plusSeconds(seconds).toEpochMilli()));
      return this;
    }

    Round at(long later) {
      return new Round(later, counts, moved);
    }

    PoolSessions done() {
      return new PoolSessions(counts, 2, 2, List.of(), T.plusSeconds(seconds), moved);
    }

    PoolSessions partial() {
      return new PoolSessions(counts, 2, 1, List.of("web-proxy-b: timeout"), T.plusSeconds(seconds), moved);
    }
  }
}
