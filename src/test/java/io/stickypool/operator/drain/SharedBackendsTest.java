package io.stickypool.operator.drain;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.core.backend.BackendId;
import io.stickypool.core.drain.DrainPhase;
import io.stickypool.operator.drain.SharedBackends.PoolView;
import io.stickypool.operator.drain.SharedBackends.Share;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Pools web and slow over one Service, in namespace shop; pool api elsewhere. */
class SharedBackendsTest {
  private static final BackendId WEB_1 = BackendId.of("web-1");
  private static final Map<String, String> POOLS = Map.of("uid-web", "web", "uid-slow", "slow");

  private final SharedBackends shared = new SharedBackends();

  @Test
  void anotherPoolStillDrainingHoldsThePod() {
    record("web", DrainPhase.DRAINED, Map.of(), false);
    record("slow", DrainPhase.DRAINING, Map.of(), false);

    assertThat(shared.holds("shop", "uid-web", List.of(WEB_1), POOLS)).containsEntry(WEB_1, new TreeSet<>(Set.of("slow")));
    assertThat(shared.holds("shop", "uid-slow", List.of(WEB_1), POOLS)).as("web is done with it").isEmpty();
  }

  @Test
  void anotherPoolNotYetDrainingHoldsThePodToo() {
    record("slow", DrainPhase.ACTIVE, Map.of(), false);
    record("web", DrainPhase.DRAINED, Map.of(), false);

    assertThat(shared.holds("shop", "uid-web", List.of(WEB_1), POOLS)).containsKey(WEB_1);
  }

  @Test
  void poolsDoneOrUnrelatedHoldNothing() {
    record("web", DrainPhase.DRAINED, Map.of(), false);
    record("slow", DrainPhase.DRAINED, Map.of(), false);
    shared.record("other", "uid-api", new PoolView("api", Map.of(WEB_1, DrainPhase.DRAINING), Map.of(), false));

    assertThat(shared.holds("shop", "uid-web", List.of(WEB_1), POOLS)).isEmpty();
  }

  @Test
  void aPoolNotReconciledYetHoldsEveryPod() {
    record("web", DrainPhase.DRAINED, Map.of(), false);

    assertThat(shared.holds("shop", "uid-web", List.of(WEB_1), POOLS)).containsEntry(WEB_1, new TreeSet<>(Set.of("slow")));

    shared.record("shop", "uid-slow", PoolView.none("slow"));
    assertThat(shared.holds("shop", "uid-web", List.of(WEB_1), POOLS)).as("it decides nothing").isEmpty();
  }

  @Test
  void aForgottenPoolHoldsNothing() {
    record("web", DrainPhase.DRAINED, Map.of(), false);
    record("slow", DrainPhase.DRAINING, Map.of(), false);

    shared.forget("shop", "uid-slow");

    assertThat(shared.holds("shop", "uid-web", List.of(WEB_1), Map.of("uid-web", "web"))).isEmpty();
    assertThat(shared.routed("shop", WEB_1)).isTrue();
    shared.forget("shop", "uid-web");
    assertThat(shared.routed("shop", WEB_1)).isFalse();
  }

  @Test
  void theCostSumsThePoolsWithTheOptionOn() {
    record("web", DrainPhase.ACTIVE, Map.of(WEB_1, 3L), true);
    record("slow", DrainPhase.ACTIVE, Map.of(WEB_1, 4L), true);

    assertThat(shared.shares("shop", Set.of(WEB_1), POOLS)).containsEntry(WEB_1, new Share("slow,web", 7L));
  }

  @Test
  void theCostLeavesOutPoolsWithTheOptionOff() {
    record("web", DrainPhase.ACTIVE, Map.of(WEB_1, 3L), true);
    record("slow", DrainPhase.ACTIVE, Map.of(WEB_1, 4L), false);

    assertThat(shared.shares("shop", Set.of(WEB_1), POOLS)).containsEntry(WEB_1, new Share("web", 3L));
  }

  @Test
  void theCostIsUnknownWhileOnePoolHasNoCompleteCount() {
    record("web", DrainPhase.ACTIVE, Map.of(WEB_1, 3L), true);
    record("slow", DrainPhase.ACTIVE, Map.of(), true);

    assertThat(shared.shares("shop", Set.of(WEB_1), POOLS)).containsEntry(WEB_1, new Share("slow,web", null));
  }

  @Test
  void theCostIsUnknownWhileAPoolIsNotReconciledYet() {
    record("web", DrainPhase.ACTIVE, Map.of(WEB_1, 3L), true);

    assertThat(shared.shares("shop", Set.of(WEB_1), POOLS)).containsEntry(WEB_1, new Share("web", null));
  }

  @Test
  void noPoolWantsACostWhenAllHaveTheOptionOff() {
    record("web", DrainPhase.ACTIVE, Map.of(WEB_1, 3L), false);

    assertThat(shared.shares("shop", Set.of(WEB_1), POOLS).get(WEB_1).wanted()).isFalse();
  }

  private void record(String pool, DrainPhase phase, Map<BackendId, Long> sessions, boolean cost) {
    shared.record("shop", "uid-" + pool, new PoolView(pool, Map.of(WEB_1, phase), sessions, cost));
  }
}
