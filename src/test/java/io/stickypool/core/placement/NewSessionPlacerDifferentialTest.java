package io.stickypool.core.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendState;
import io.stickypool.core.snapshot.PlacementSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The indexed placer against the linear reference ({@link RendezvousPlacer}, the placer before the
 * index) over random pools: sizes, weights, states, counts and bounded-load factors. Both must
 * choose from the same set (the least {@code (sessions + 1) / weight} the bound admits); only the
 * tie-break among that set differs, and there the index must agree exactly with the new scan.
 * Counts then churn (places, expiries, bulk moves) with the index kept current by deltas only.
 */
class NewSessionPlacerDifferentialTest {
  private static final int[][] WEIGHT_CHOICES = {{1}, {1, 2}, {1, 3, 10}, {1, 2, 3, 4, 5, 7, 1000}};

  private int boundBit;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void choosesFromTheSameSetAsTheLinearReference(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int round = 0; round < 100; round++) {
      List<Backend> pods = pool(random);
      PlacementSettings settings = new PlacementSettings(1.0 + random.nextInt(4) * 0.25);
      IndexedCounts counts = new IndexedCounts();
      int spread = 1 + random.nextInt(random.nextBoolean() ? 3 : 200);
      for (Backend pod : pods) {
        counts.set(pod.id(), random.nextInt(spread) * (random.nextInt(8) == 0 ? 0 : 1));
      }
      NewSessionPlacer placer = NewSessionPlacer.of(pods, settings);
      RendezvousPlacer reference = RendezvousPlacer.of(pods, settings);

      for (int step = 0; step < 200; step++) {
        long hash = random.nextLong();
        Backend indexed = placer.place(counts, hash);
        assertThat(indexed).isSameAs(placer.place(counts.scanned(), hash));
        assertSameChoiceSet(pods, counts, settings, indexed, reference.place(counts.scanned(), hash));
        churn(random, pods, counts, indexed);
      }
    }
    assertThat(boundBit).as("steps where the bound turned the least-loaded backend away").isPositive();
  }

  @ParameterizedTest
  @ValueSource(longs = {11, 12})
  void spreadsTiesEvenlyOverEveryTiedBackend(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Backend> pods = Pods.random(new java.util.Random(seed), 50);
    IndexedCounts counts = new IndexedCounts();
    NewSessionPlacer placer = NewSessionPlacer.of(pods, PlacementSettings.defaults());
    int[] chosen = new int[pods.size()];
    List<Backend> sorted = pods.stream().sorted((a, b) -> a.id().compareTo(b.id())).toList();

    for (int i = 0; i < 50_000; i++) {
      chosen[sorted.indexOf(placer.place(counts, random.nextLong()))]++;
    }

    for (int n : chosen) {
      assertThat(n).isBetween(800, 1200);
    }
  }

  /** Places one session, then maybe expires one, moves many, or empties a backend. */
  private static void churn(SplittableRandom random, List<Backend> pods, IndexedCounts counts, Backend placed) {
    if (placed != null) {
      counts.add(placed, 1);
    }
    Backend other = pods.get(random.nextInt(pods.size()));
    int dice = random.nextInt(20);
    if (dice < 8 && counts.liveSessions(other.id()) > 0) {
      counts.add(other, -1);
    } else if (dice == 8) {
      counts.add(other, random.nextInt(50));
    } else if (dice == 9) {
      counts.add(other, -counts.liveSessions(other.id()));
    }
  }

  private void assertSameChoiceSet(
      List<Backend> pods, SessionLoad load, PlacementSettings settings, Backend indexed, Backend reference) {
    List<Backend> allowed = choiceSet(pods, load, settings);
    List<Backend> unbounded = choiceSet(pods, load, new PlacementSettings(10.0));
    boundBit += allowed.equals(unbounded) ? 0 : 1;
    if (allowed.isEmpty()) {
      assertThat(indexed).isNull();
      assertThat(reference).isNull();
      return;
    }
    assertThat(reference).as("reference among %s", ids(allowed)).isIn(allowed);
    assertThat(indexed).as("indexed among %s", ids(allowed)).isIn(allowed);
  }

  /** Brute force: the backends of least load after placing that the bound admits (or all). */
  private static List<Backend> choiceSet(List<Backend> pods, SessionLoad load, PlacementSettings settings) {
    List<Backend> active = pods.stream().filter(p -> p.state().acceptsNewSessions()).toList();
    long total = active.stream().mapToLong(p -> load.liveSessions(p.id())).sum();
    long weight = active.stream().mapToLong(Backend::weight).sum();
    List<Backend> admitted = active.stream()
        .filter(p -> LoadBound.admits(load.liveSessions(p.id()), p.weight(), total + 1, weight,
            settings.boundedLoadFactor()))
        .toList();
    List<Backend> from = admitted.isEmpty() ? active : admitted;
    Backend least = null;
    for (Backend p : from) {
      if (least == null || loadAfter(load, p) * least.weight() < loadAfter(load, least) * p.weight()) {
        least = p;
      }
    }
    Backend min = least;
    return from.stream()
        .filter(p -> loadAfter(load, p) * min.weight() == loadAfter(load, min) * p.weight())
        .toList();
  }

  private static long loadAfter(SessionLoad load, Backend b) {
    return load.liveSessions(b.id()) + 1L;
  }

  private static List<Backend> pool(SplittableRandom random) {
    int n = random.nextInt(8) == 0 ? 1 + random.nextInt(3) : 1 + random.nextInt(random.nextBoolean() ? 12 : 300);
    int[] weights = WEIGHT_CHOICES[random.nextInt(WEIGHT_CHOICES.length)];
    List<Backend> pods = new ArrayList<>();
    for (Backend b : Pods.random(new java.util.Random(random.nextLong()), n)) {
      Backend weighted = Pods.pod(b.id().value(), weights[random.nextInt(weights.length)]);
      int state = random.nextInt(10);
      pods.add(state == 0 ? Pods.inState(weighted, BackendState.DRAINING)
          : state == 1 ? Pods.inState(weighted, BackendState.UNAVAILABLE) : weighted);
    }
    return pods;
  }

  private static String ids(List<Backend> backends) {
    return backends.stream().map(b -> b.id().value()).collect(Collectors.joining(","));
  }
}
