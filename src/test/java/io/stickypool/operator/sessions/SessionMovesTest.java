package io.stickypool.operator.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.core.backend.BackendId;
import io.stickypool.operator.endpoints.SessionStats;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SessionMovesTest {
  private static final Instant T = Instant.parse("2026-11-28T12:00:00Z");
  private static final BackendId WEB_1 = BackendId.of("web-1");

  private static final Duration QUIET = Duration.ofSeconds(5);
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  /** Rounds of {@link #round} come one second apart. */
  private static int clock;

  private static PoolSessions round(int asked, int answered, int... perBackend) {
    Map<BackendId, SessionStats> m = new TreeMap<>();
    for (int i = 0; i < perBackend.length; i++) {
      m.put(BackendId.of("web-" + i), SessionStats.of(perBackend[i], T));
    }
    return new PoolSessions(m, asked, answered, List.of(), T.plusSeconds(clock++));
  }

  private static SessionMoves moves() {
    return new SessionMoves(QUIET, PATIENCE);
  }

  @Test
  void reportsTheSurvivorsGainsOnTheFirstCompleteRoundAfterTheLeave() {
    SessionMoves moves = moves();
    assertThat(moves.round(round(2, 2, 10, 12, 4), Set.of(WEB_1))).isEmpty();
    assertThat(moves.round(round(2, 1, 10, 0, 4), Set.of())).as("partial: wait").isEmpty();

    assertThat(moves.round(round(2, 2, 17, 0, 9), Set.of()))
        .containsExactly("12 sessions moved from web-1 to web-0 (+7), web-2 (+5)");
    assertThat(moves.round(round(2, 2, 20, 0, 9), Set.of())).as("once per leave").isEmpty();
  }

  @Test
  void gainsAreCappedAtWhatTheBackendHeld() {
    SessionMoves moves = moves();
    moves.round(round(1, 1, 10, 4, 4), Set.of(WEB_1));
    assertThat(moves.round(round(1, 1, 20, 0, 5), Set.of()))
        .containsExactly("4 sessions moved from web-1 to web-0 (+4)");
  }

  @Test
  void saysWhatIsKnownWhenNoCompleteRoundCameInTime() {
    SessionMoves moves = moves();
    moves.round(partialAt(0, 2, 1, 6, 1), Set.of(WEB_1));
    assertThat(moves.round(partialAt(10, 1, 3, 0, 1), Set.of())).isEmpty();
    assertThat(moves.round(partialAt(20, 1, 3, 0, 1), Set.of())).isEmpty();
    assertThat(moves.round(partialAt(30, 1, 3, 0, 1), Set.of()))
        .containsExactly("2 sessions moved from web-1 to web-0 (+2) (of 6 it held); partial figure, 1/2 proxies answered");
  }

  @Test
  void aBackendThatLeftEmptyOrUnknownIsNotFollowed() {
    SessionMoves moves = moves();
    assertThat(moves.round(round(1, 1, 5, 0), Set.of(WEB_1))).isEmpty();
    assertThat(moves.round(round(1, 1, 5, 0), Set.of())).isEmpty();
    SessionMoves unknown = moves();
    unknown.round(PoolSessions.none(T), Set.of(WEB_1));
    assertThat(unknown.round(round(1, 1, 5, 0), Set.of())).isEmpty();
  }

  @Test
  void waitsWhileTheMovesStillGrowAsUsersComeBack() {
    SessionMoves moves = moves();
    moves.round(round(1, 1, 10, 12, 4), Set.of(WEB_1));
    assertThat(moves.round(round(1, 1, 13, 0, 5), Set.of())).as("4 of 12 so far").isEmpty();
    assertThat(moves.settling()).isTrue();
    assertThat(moves.round(round(1, 1, 17, 0, 9), Set.of()))
        .containsExactly("12 sessions moved from web-1 to web-0 (+7), web-2 (+5)");
    assertThat(moves.settling()).isFalse();
  }

  @Test
  void tellsWhatMovedOnceTheGainsStopGrowingForAWhile() {
    SessionMoves moves = moves();
    moves.round(at(0, 10, 12, 4), Set.of(WEB_1));
    assertThat(moves.round(at(1, 13, 0, 5), Set.of())).isEmpty();
    assertThat(moves.round(at(3, 13, 0, 5), Set.of()))
        .as("rounds come faster than users: a short pause is no sign that the moves stopped").isEmpty();
    assertThat(moves.round(at(6, 13, 0, 5), Set.of()))
        .as("the other 8 users did not come back for 5s: their sessions will idle out")
        .containsExactly("4 sessions moved from web-1 to web-0 (+3), web-2 (+1) (of 12 it held)");
  }

  @Test
  void backendsLeavingTogetherShareTheGainsInsteadOfCountingThemTwice() {
    SessionMoves moves = moves();
    moves.round(round(1, 1, 10, 10, 10, 10), Set.of(BackendId.of("web-2"), BackendId.of("web-3")));
    // 20 sessions left; web-0 gained 9 and web-1 11: half of each is told for each leaver.
    assertThat(moves.round(round(1, 1, 19, 21, 0, 0), Set.of())).containsExactly(
        "10 sessions moved from web-2 to web-1 (+6), web-0 (+4)",
        "10 sessions moved from web-3 to web-1 (+6), web-0 (+4)");
  }

  @Test
  void aLeaveFollowedFromAnOlderRoundDoesNotClaimTheMovesOfOneAlreadyTold() {
    // The second drain is noticed two rounds after the first was told, but is followed from the
    // round before its deadline, which predates the first's moves.
    SessionMoves moves = moves();
    BackendId web2 = BackendId.of("web-2");
    BackendId web3 = BackendId.of("web-3");
    moves.round(at(0, 50, 50, 50, 50), Map.of());
    assertThat(moves.round(at(1, 50, 50, 50, 50), Map.of(web2, T.plusMillis(500)))).isEmpty();
    assertThat(moves.round(at(2, 100, 50, 0, 50), Map.of()))
        .containsExactly("50 sessions moved from web-2 to web-0 (+50)");
    assertThat(moves.round(at(3, 100, 100, 0, 0), Map.of(web3, T.plusMillis(1500)))).isEmpty();

    assertThat(moves.round(at(4, 100, 100, 0, 0), Map.of()))
        .containsExactly("50 sessions moved from web-3 to web-1 (+50)");
  }

  @Test
  void drainsEndingTogetherAreToldTogetherSharingTheGains() {
    // A scale-down's two drains time out a quarter of a second apart: the first is not told while
    // the second is about to leave, or the first would claim the second's moves.
    SessionMoves moves = moves();
    BackendId web2 = BackendId.of("web-2");
    BackendId web3 = BackendId.of("web-3");
    moves.round(at(0, 50, 50, 50, 50), Map.of());
    assertThat(moves.round(at(1, 75, 75, 0, 50), Map.of(web2, T.plusMillis(500)), Set.of(web3)))
        .as("web-3 is draining with its deadline close: wait for it").isEmpty();
    assertThat(moves.round(at(2, 100, 100, 0, 0), Map.of(web3, T.plusMillis(1250)), Set.of())).isEmpty();

    assertThat(moves.round(at(3, 100, 100, 0, 0), Map.of())).containsExactly(
        "50 sessions moved from web-2 to web-0 (+25), web-1 (+25)",
        "50 sessions moved from web-3 to web-0 (+25), web-1 (+25)");
  }

  @Test
  void aLeaveThatJoinsLaterDoesNotEndTheEarlierOneAsStoppedGrowing() {
    // The two drains of one scale-down are seen leaving in successive rounds; the second takes half
    // of the gains the first was measured against, which is no sign that the moves stopped.
    SessionMoves moves = moves();
    BackendId web2 = BackendId.of("web-2");
    BackendId web3 = BackendId.of("web-3");
    moves.round(at(0, 50, 50, 50, 50), Map.of());
    assertThat(moves.round(at(1, 50, 50, 50, 50), Map.of(web2, T.plusMillis(500)))).isEmpty();
    assertThat(moves.round(at(2, 74, 74, 2, 50), Map.of(web3, T.plusMillis(1500)))).isEmpty();
    assertThat(moves.round(at(3, 75, 75, 0, 25), Map.of())).as("moves still coming in").isEmpty();

    assertThat(moves.round(at(4, 100, 100, 0, 0), Map.of())).containsExactly(
        "50 sessions moved from web-2 to web-0 (+25), web-1 (+25)",
        "50 sessions moved from web-3 to web-0 (+25), web-1 (+25)");
  }

  /** A complete round of one proxy, {@code seconds} after T. */
  /** A round of two proxies of which {@code answered} answered, {@code seconds} after T. */
  private static PoolSessions partialAt(int seconds, int answered, int... perBackend) {
    Map<BackendId, SessionStats> m = new TreeMap<>();
    for (int i = 0; i < perBackend.length; i++) {
      m.put(BackendId.of("web-" + i), SessionStats.of(perBackend[i], T));
    }
    return new PoolSessions(m, 2, answered, List.of(), T.plusSeconds(seconds));
  }

  private static PoolSessions at(int seconds, int... perBackend) {
    Map<BackendId, SessionStats> m = new TreeMap<>();
    for (int i = 0; i < perBackend.length; i++) {
      m.put(BackendId.of("web-" + i), SessionStats.of(perBackend[i], T));
    }
    return new PoolSessions(m, 1, 1, List.of(), T.plusSeconds(seconds));
  }
}
