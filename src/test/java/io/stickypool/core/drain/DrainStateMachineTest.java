package io.stickypool.core.drain;

import static io.stickypool.core.drain.DrainPhase.ACTIVE;
import static io.stickypool.core.drain.DrainPhase.DRAINED;
import static io.stickypool.core.drain.DrainPhase.DRAINING;
import static io.stickypool.core.drain.DrainPhase.REMOVED;
import static io.stickypool.core.drain.DrainPhase.UNAVAILABLE;
import static io.stickypool.core.drain.DrainTransition.BECAME_ACTIVE;
import static io.stickypool.core.drain.DrainTransition.BECAME_UNAVAILABLE;
import static io.stickypool.core.drain.DrainTransition.DRAIN_CANCELLED;
import static io.stickypool.core.drain.DrainTransition.DRAIN_COMPLETED_NO_SESSIONS;
import static io.stickypool.core.drain.DrainTransition.DRAIN_COMPLETED_SESSIONS_IDLE;
import static io.stickypool.core.drain.DrainTransition.DRAIN_TIMED_OUT;
import static io.stickypool.core.drain.DrainTransition.NONE;
import static io.stickypool.core.drain.DrainTransition.STARTED_DRAINING;
import static io.stickypool.core.drain.DrainTransition.STOPPED_SERVING;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The drain rules as a table. Each row starts from a phase entered at T0 (a DRAINING or DRAINED
 * start has the deadline T0 + 300 s), applies conditions, sessions and activity at T0 + atSecond,
 * and expects a phase and a transition. Policy: 300 s timeout, 60 s idle threshold.
 */
class DrainStateMachineTest {
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final DrainPolicy POLICY =
      new DrainPolicy(Duration.ofSeconds(300), Duration.ofSeconds(60));

  private static final EndpointConditions READY = EndpointConditions.READY;
  private static final EndpointConditions NOT_READY = new EndpointConditions(false, false, false);
  private static final EndpointConditions SERVING_NOT_READY =
      new EndpointConditions(false, true, false);
  private static final EndpointConditions TERMINATING_SERVING =
      new EndpointConditions(false, true, true);
  private static final EndpointConditions TERMINATING_READY =
      new EndpointConditions(true, true, true);
  private static final EndpointConditions TERMINATING_STOPPED =
      new EndpointConditions(false, false, true);
  private static final EndpointConditions GONE = null;

  /** One table row; idleFor is how long before "now" a session was last seen (null: unknown). */
  record Row(
      String why,
      DrainPhase from,
      EndpointConditions conditions,
      Integer sessions,
      Integer idleForSeconds,
      int atSecond,
      DrainPhase expectedPhase,
      DrainTransition expectedTransition) {
    @Override
    public String toString() {
      return from + " -> " + expectedPhase + " / " + expectedTransition + ": " + why;
    }
  }

  static Stream<Row> table() {
    return Stream.of(readinessRows(), drainRows(), endRows()).flatMap(rows -> rows);
  }

  private static Stream<Row> readinessRows() {
    return Stream.of(
        row("ready stays active", ACTIVE, READY, 5, 0, 10, ACTIVE, NONE),
        row("probe passes after start", UNAVAILABLE, READY, 0, null, 10, ACTIVE, BECAME_ACTIVE),
        row("new endpoint is ready", REMOVED, READY, null, null, 10, ACTIVE, BECAME_ACTIVE),
        row("drained pod ready again", DRAINED, READY, 0, null, 10, ACTIVE, BECAME_ACTIVE),
        row("rollback cancels drain", DRAINING, READY, 4, 1, 10, ACTIVE, DRAIN_CANCELLED),
        row("probe fails", ACTIVE, NOT_READY, 5, 0, 10, UNAVAILABLE, BECAME_UNAVAILABLE),
        row("new pod starting", REMOVED, NOT_READY, null, null, 10, UNAVAILABLE,
            BECAME_UNAVAILABLE),
        row("serving but not ready is not active", ACTIVE, SERVING_NOT_READY, 5, 0, 10,
            UNAVAILABLE, BECAME_UNAVAILABLE),
        row("terminating cleared but not ready", DRAINING, NOT_READY, 3, 0, 10, UNAVAILABLE,
            BECAME_UNAVAILABLE),
        row("still not ready", UNAVAILABLE, NOT_READY, 0, null, 10, UNAVAILABLE, NONE));
  }

  private static Stream<Row> drainRows() {
    return Stream.of(
        row("terminating with sessions", ACTIVE, TERMINATING_SERVING, 5, 0, 0, DRAINING,
            STARTED_DRAINING),
        row("unavailable pod terminates serving", UNAVAILABLE, TERMINATING_SERVING, 2, 0, 0,
            DRAINING, STARTED_DRAINING),
        row("first seen terminating", REMOVED, TERMINATING_SERVING, 2, 0, 0, DRAINING,
            STARTED_DRAINING),
        row("unknown count never completes at start", ACTIVE, TERMINATING_SERVING, null, null, 0,
            DRAINING, STARTED_DRAINING),
        row("no sessions completes at start", ACTIVE, TERMINATING_SERVING, 0, null, 0, DRAINED,
            DRAIN_COMPLETED_NO_SESSIONS),
        row("idle sessions complete at start", ACTIVE, TERMINATING_SERVING, 3, 120, 0, DRAINED,
            DRAIN_COMPLETED_SESSIONS_IDLE),
        row("active sessions keep draining", DRAINING, TERMINATING_SERVING, 3, 10, 100, DRAINING,
            NONE),
        row("terminating wins over ready", DRAINING, TERMINATING_READY, 3, 10, 100, DRAINING,
            NONE),
        row("last session ended", DRAINING, TERMINATING_SERVING, 0, 5, 100, DRAINED,
            DRAIN_COMPLETED_NO_SESSIONS),
        row("idle exactly at threshold", DRAINING, TERMINATING_SERVING, 3, 60, 100, DRAINED,
            DRAIN_COMPLETED_SESSIONS_IDLE),
        row("idle just under threshold", DRAINING, TERMINATING_SERVING, 3, 59, 100, DRAINING,
            NONE),
        row("unknown count ignores idleness", DRAINING, TERMINATING_SERVING, null, 200, 100,
            DRAINING, NONE),
        row("unknown activity is not idle", DRAINING, TERMINATING_SERVING, 3, null, 100,
            DRAINING, NONE),
        row("unknown count before deadline", DRAINING, TERMINATING_SERVING, null, null, 299,
            DRAINING, NONE),
        row("unknown count at deadline", DRAINING, TERMINATING_SERVING, null, null, 300, DRAINED,
            DRAIN_TIMED_OUT),
        row("busy sessions past deadline", DRAINING, TERMINATING_SERVING, 3, 5, 400, DRAINED,
            DRAIN_TIMED_OUT),
        row("no sessions wins over deadline", DRAINING, TERMINATING_SERVING, 0, null, 400,
            DRAINED, DRAIN_COMPLETED_NO_SESSIONS));
  }

  private static Stream<Row> endRows() {
    return Stream.of(
        row("active pod stops serving", ACTIVE, TERMINATING_STOPPED, 5, 0, 10, DRAINED,
            STOPPED_SERVING),
        row("draining pod stops serving", DRAINING, TERMINATING_STOPPED, 5, 0, 10, DRAINED,
            STOPPED_SERVING),
        row("drained does not drain again", DRAINED, TERMINATING_SERVING, 5, 0, 10, DRAINED,
            NONE),
        row("drained stops serving", DRAINED, TERMINATING_STOPPED, 0, null, 10, DRAINED, NONE),
        row("active endpoint deleted", ACTIVE, GONE, 5, 0, 10, REMOVED, DrainTransition.REMOVED),
        row("draining endpoint deleted", DRAINING, GONE, 5, 0, 10, REMOVED,
            DrainTransition.REMOVED),
        row("drained endpoint deleted", DRAINED, GONE, null, null, 10, REMOVED,
            DrainTransition.REMOVED),
        row("unavailable endpoint deleted", UNAVAILABLE, GONE, 0, null, 10, REMOVED,
            DrainTransition.REMOVED),
        row("removed stays removed", REMOVED, GONE, null, null, 10, REMOVED, NONE));
  }

  private static Row row(
      String why,
      DrainPhase from,
      EndpointConditions conditions,
      Integer sessions,
      Integer idleForSeconds,
      int atSecond,
      DrainPhase expectedPhase,
      DrainTransition expectedTransition) {
    return new Row(
        why, from, conditions, sessions, idleForSeconds, atSecond, expectedPhase,
        expectedTransition);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void followsTheDrainTable(Row row) {
    DrainStep step = DrainStateMachine.step(statusEnteredAtT0(row.from()), inputFor(row), POLICY);

    assertThat(step.next().phase()).isEqualTo(row.expectedPhase());
    assertThat(step.transition()).isEqualTo(row.expectedTransition());
    assertThat(step.changed()).isEqualTo(row.expectedTransition() != NONE);
  }

  @Test
  void tableNamesEveryTransition() {
    Set<DrainTransition> covered =
        table().map(Row::expectedTransition).collect(Collectors.toCollection(
            () -> EnumSet.noneOf(DrainTransition.class)));

    assertThat(covered).containsExactlyInAnyOrder(DrainTransition.values());
  }

  @Test
  void tableStartsFromEveryPhase() {
    Set<DrainPhase> from = table().map(Row::from).collect(Collectors.toSet());

    assertThat(from).containsExactlyInAnyOrder(DrainPhase.values());
  }

  @Test
  void setsDeadlineFromDrainStartAndKeepsIt() {
    Instant start = T0.plusSeconds(42);
    DrainStep started = DrainStateMachine.step(
        statusEnteredAtT0(ACTIVE), new DrainInput(TERMINATING_SERVING, 3, start, start), POLICY);
    Instant later = start.plusSeconds(30);
    DrainStep kept = DrainStateMachine.step(
        started.next(), new DrainInput(TERMINATING_SERVING, 3, later, later), POLICY);

    assertThat(started.next()).isEqualTo(
        new BackendDrainStatus(DRAINING, start, start.plus(POLICY.drainTimeout())));
    assertThat(kept).isEqualTo(new DrainStep(started.next(), NONE));
  }

  @Test
  void drainedKeepsTheDeadlineOfItsDrain() {
    BackendDrainStatus draining = statusEnteredAtT0(DRAINING);
    Instant now = T0.plusSeconds(400);

    DrainStep step = DrainStateMachine.step(
        draining, new DrainInput(TERMINATING_SERVING, 2, now, now), POLICY);

    assertThat(step.next()).isEqualTo(
        new BackendDrainStatus(DRAINED, now, draining.drainDeadline()));
  }

  @Test
  void leavingDrainForActiveDropsTheDeadline() {
    Instant now = T0.plusSeconds(10);

    DrainStep step = DrainStateMachine.step(
        statusEnteredAtT0(DRAINING), new DrainInput(READY, 2, now, now), POLICY);

    assertThat(step.next()).isEqualTo(new BackendDrainStatus(ACTIVE, now, null));
  }

  @Test
  void unchangedPhaseKeepsItsSinceTime() {
    Instant now = T0.plusSeconds(1000);

    DrainStep step = DrainStateMachine.step(
        statusEnteredAtT0(ACTIVE), new DrainInput(READY, 1, now, now), POLICY);

    assertThat(step.next().since()).isEqualTo(T0);
  }

  @Test
  void neverSeenBackendBecomesActiveWhenReady() {
    DrainStep step = DrainStateMachine.step(
        BackendDrainStatus.NEVER_SEEN, new DrainInput(READY, null, null, T0), POLICY);

    assertThat(step).isEqualTo(
        new DrainStep(new BackendDrainStatus(ACTIVE, T0, null), BECAME_ACTIVE));
  }

  private static BackendDrainStatus statusEnteredAtT0(DrainPhase phase) {
    boolean drained = phase == DRAINING || phase == DRAINED;
    return new BackendDrainStatus(phase, T0, drained ? T0.plus(POLICY.drainTimeout()) : null);
  }

  private static DrainInput inputFor(Row row) {
    Instant now = T0.plusSeconds(row.atSecond());
    Instant lastActivity =
        row.idleForSeconds() == null ? null : now.minusSeconds(row.idleForSeconds());
    return new DrainInput(row.conditions(), row.sessions(), lastActivity, now);
  }
}
