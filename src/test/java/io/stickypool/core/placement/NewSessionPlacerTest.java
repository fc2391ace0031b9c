package io.stickypool.core.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendState;
import io.stickypool.core.snapshot.PlacementSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NewSessionPlacerTest {
  private static final PlacementSettings DEFAULTS = PlacementSettings.defaults();

  @Test
  void tenThousandSessionsOverFourEqualBackendsStayWithinFivePercentOfTheMean() {
    List<Backend> pods = List.of(Pods.pod("a"), Pods.pod("b"), Pods.pod("c"), Pods.pod("d"));
    Pods.Counts counts = new Pods.Counts();

    placeMany(NewSessionPlacer.of(pods, DEFAULTS), counts, 10_000);

    int max = pods.stream().mapToInt(p -> counts.liveSessions(p.id())).max().orElseThrow();
    assertThat(max / 2500.0).isLessThanOrEqualTo(1.05);
  }

  @Test
  void sessionsFollowWeights() {
    Backend a = Pods.pod("a", 1);
    Backend b = Pods.pod("b", 1);
    Backend c = Pods.pod("c", 2);
    Pods.Counts counts = new Pods.Counts();

    placeMany(NewSessionPlacer.of(List.of(a, b, c), DEFAULTS), counts, 10_000);

    assertThat(counts.liveSessions(a.id())).isBetween(2490, 2510);
    assertThat(counts.liveSessions(b.id())).isBetween(2490, 2510);
    assertThat(counts.liveSessions(c.id())).isBetween(4990, 5010);
  }

  @Test
  void newBackendsTakeNewSessionsUntilCountsEvenOut() {
    List<Backend> pods = List.of(Pods.pod("a"), Pods.pod("b"), Pods.pod("c"), Pods.pod("d"));
    Pods.Counts counts = new Pods.Counts().set("a", 100).set("b", 100);
    NewSessionPlacer placer = NewSessionPlacer.of(pods, DEFAULTS);

    for (int i = 0; i < 200; i++) {
      Backend chosen = placer.place(counts, KeyHash.hash(i));
      assertThat(chosen.id().value()).as("session %d", i).isIn("c", "d");
      counts.add(chosen);
    }

    for (Backend pod : pods) {
      assertThat(counts.liveSessions(pod.id())).isEqualTo(100);
    }
  }

  @Test
  void neverPlacesOnBackendsThatDoNotTakeNewSessions() {
    Backend active = Pods.pod("z-busy");
    List<Backend> pods =
        List.of(
            active,
            Pods.inState(Pods.pod("a-draining"), BackendState.DRAINING),
            Pods.inState(Pods.pod("b-drained"), BackendState.DRAINED),
            Pods.inState(Pods.pod("c-unavailable"), BackendState.UNAVAILABLE));
    Pods.Counts counts = new Pods.Counts().set("z-busy", 1_000);
    NewSessionPlacer placer = NewSessionPlacer.of(pods, DEFAULTS);

    for (int i = 0; i < 1_000; i++) {
      assertThat(placer.place(counts, KeyHash.hash(i))).isSameAs(active);
    }
  }

  @Test
  void placesNothingWhenNoBackendTakesNewSessions() {
    List<Backend> pods = List.of(Pods.inState(Pods.pod("a"), BackendState.DRAINING));

    assertThat(NewSessionPlacer.of(pods, DEFAULTS).place(SessionLoad.NONE, 1L)).isNull();
    assertThat(NewSessionPlacer.of(List.of(), DEFAULTS).place(SessionLoad.NONE, 1L)).isNull();
  }

  @Test
  void equalCountsAreSpreadByTheTieBreakHashInsteadOfHerdingOnTheFirstId() {
    List<Backend> pods = List.of(Pods.pod("a"), Pods.pod("b"), Pods.pod("c"), Pods.pod("d"));
    NewSessionPlacer placer = NewSessionPlacer.of(pods, DEFAULTS);
    Map<Backend, Integer> chosen = new HashMap<>();

    for (int i = 0; i < 4_000; i++) {
      Backend b = placer.place(SessionLoad.NONE, KeyHash.hash(i));
      assertThat(placer.place(SessionLoad.NONE, KeyHash.hash(i))).isSameAs(b);
      chosen.merge(b, 1, Integer::sum);
    }

    assertThat(chosen).hasSize(4);
    assertThat(chosen.values()).allSatisfy(n -> assertThat(n).isBetween(850, 1150));
  }

  @Test
  void emptyBackendOfHigherWeightGoesFirst() {
    Backend light = Pods.pod("a", 1);
    Backend heavy = Pods.pod("b", 3);
    NewSessionPlacer placer = NewSessionPlacer.of(List.of(light, heavy), DEFAULTS);

    for (int i = 0; i < 100; i++) {
      assertThat(placer.place(SessionLoad.NONE, KeyHash.hash(i))).isSameAs(heavy);
    }
  }

  @Test
  void boundedLoadFactorKeepsAHeavyBackendFromGoingOverItsBound() {
    // Weights 10, 1, 3 with 5, 0, 1 sessions: (5 + 1) / 10 is the least load after placing, but at
    // factor 1.0 the weight-10 backend may hold only ceil(7 * 10 / 14) = 5.
    Backend heavy = Pods.pod("a", 10);
    Backend light = Pods.pod("b", 1);
    Backend middle = Pods.pod("c", 3);
    List<Backend> pods = List.of(heavy, light, middle);
    Pods.Counts counts = new Pods.Counts().set("a", 5).set("c", 1);

    Backend tight = NewSessionPlacer.of(pods, new PlacementSettings(1.0)).place(counts, 7L);
    Backend loose = NewSessionPlacer.of(pods, DEFAULTS).place(counts, 7L);

    assertThat(tight).isSameAs(middle);
    assertThat(loose).isSameAs(heavy);
  }

  private static void placeMany(NewSessionPlacer placer, Pods.Counts counts, int sessions) {
    for (int i = 0; i < sessions; i++) {
      counts.add(placer.place(counts, KeyHash.hash(i)));
    }
  }
}
