package io.stickypool.operator.model;

import static io.stickypool.operator.model.KeyRotationTest.ids;
import static io.stickypool.operator.model.KeyRotationTest.key;
import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.core.cookie.KeyRing;
import io.stickypool.operator.model.KeyRotation.Step;
import io.stickypool.operator.model.KeySchedule.Plan;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyScheduleTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration PROPAGATION = Duration.ofMinutes(2);
  private static final Duration RETIRE = Duration.ofHours(24);
  private final SecureRandom random = new SecureRandom();
  private final KeySchedule onRequestOnly = new KeySchedule(null, PROPAGATION, RETIRE);

  @Test
  void aNewRingStartsTheClockAndIsNotRotatedWithoutARequestOrInterval() {
    Plan plan = onRequestOnly.plan(KeyRing.of(key(1)), Map.of(), null, random, T0);

    assertThat(plan.step()).isEmpty();
    assertThat(plan.nextDue()).isEmpty();
    assertThat(ids(plan.ring())).containsExactly(1);
    assertThat(plan.secretAnnotations()).containsEntry(KeySchedule.STEP_AT_ANNOTATION, T0.toString());
  }

  @Test
  void aRequestStagesOnceThenPromotesAfterPropagationThenRetiresAfterTheCookieLifetime() {
    Plan staged = onRequestOnly.plan(KeyRing.of(key(1)), Map.of(), "r1", random, T0);
    assertThat(staged.step()).contains(Step.STAGED);
    assertThat(staged.ring().signingKey().id()).as("the old key still signs").isEqualTo(1);
    assertThat(staged.nextDue()).contains(T0.plus(PROPAGATION));
    assertThat(staged.secretAnnotations()).containsEntry(KeySchedule.SERVED_ANNOTATION, "r1");

    Plan early = onRequestOnly.plan(staged.ring(), staged.secretAnnotations(), "r1", random,
        T0.plus(PROPAGATION).minusSeconds(1));
    assertThat(early.step()).as("not every replica may have the new key yet").isEmpty();
    assertThat(early.ring()).isEqualTo(staged.ring());

    Instant t1 = T0.plus(PROPAGATION);
    Plan promoted = onRequestOnly.plan(staged.ring(), staged.secretAnnotations(), "r1", random, t1);
    assertThat(promoted.step()).contains(Step.PROMOTED);
    assertThat(promoted.ring().signingKey().id()).isEqualTo(2);
    assertThat(promoted.nextDue()).contains(t1.plus(RETIRE));

    Plan retired = onRequestOnly.plan(promoted.ring(), promoted.secretAnnotations(), "r1", random,
        t1.plus(RETIRE));
    assertThat(retired.step()).contains(Step.RETIRED);
    assertThat(ids(retired.ring())).containsExactly(2);
    assertThat(retired.nextDue()).as("the request was served; no interval").isEmpty();

    Plan again = onRequestOnly.plan(retired.ring(), retired.secretAnnotations(), "r1", random,
        t1.plus(RETIRE).plusSeconds(60));
    assertThat(again.step()).as("the same request value is not served twice").isEmpty();
  }

  @Test
  void anIntervalStagesAfterItElapsedSinceTheLastStep() {
    KeySchedule monthly = new KeySchedule(Duration.ofDays(30), PROPAGATION, RETIRE);
    Map<String, String> history = Map.of(
        KeySchedule.STEP_ANNOTATION, "RETIRED", KeySchedule.STEP_AT_ANNOTATION, T0.toString());

    Plan before = monthly.plan(KeyRing.of(key(5)), history, null, random, T0.plus(Duration.ofDays(29)));
    Plan due = monthly.plan(KeyRing.of(key(5)), history, null, random, T0.plus(Duration.ofDays(30)));

    assertThat(before.step()).isEmpty();
    assertThat(before.nextDue()).contains(T0.plus(Duration.ofDays(30)));
    assertThat(due.step()).contains(Step.STAGED);
    assertThat(ids(due.ring())).containsExactly(6, 5);
  }

  @Test
  void aRequestDuringARotationWaitsForTheRotationToFinish() {
    Plan staged = onRequestOnly.plan(KeyRing.of(key(1)), Map.of(), "r1", random, T0);

    Plan plan = onRequestOnly.plan(staged.ring(), staged.secretAnnotations(), "r2", random, T0.plusSeconds(1));

    assertThat(plan.step()).isEmpty();
    assertThat(plan.nextDue()).contains(T0.plus(PROPAGATION));
  }

  @Test
  void anUnreadableTimestampRestartsTheClockInsteadOfFailing() {
    KeyRing staged = KeyRing.of(key(2), key(1));
    Plan plan = onRequestOnly.plan(staged, Map.of(KeySchedule.STEP_AT_ANNOTATION, "yesterday"),
        null, random, T0);

    assertThat(plan.step()).isEmpty();
    assertThat(plan.nextDue()).contains(T0.plus(PROPAGATION));
  }
}
