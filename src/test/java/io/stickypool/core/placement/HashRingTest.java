package io.stickypool.core.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Consistency of the ring: what moves when membership changes, and what never depends on order. */
class HashRingTest {
  private static final int KEYS = 100_000;
  private static final int SETS = 3;

  @ParameterizedTest(name = "N = {0}")
  @ValueSource(ints = {3, 10, 100})
  void removingABackendMovesOnlyItsKeys(int n) {
    for (int set = 0; set < SETS; set++) {
      Random random = new Random(1000L * n + set);
      List<Backend> pods = Pods.random(random, n);
      long[] keys = Pods.keyHashes(random, KEYS);
      Backend[] before = owners(HashRing.of(pods), keys);
      for (Backend removed : victims(pods, random)) {
        List<Backend> survivors = new ArrayList<>(pods);
        survivors.remove(removed);
        Backend[] after = owners(HashRing.of(survivors), keys);
        int survivorKeysMoved = 0;
        int orphans = 0;
        for (int k = 0; k < KEYS; k++) {
          if (before[k] == removed) {
            orphans += after[k] == null || after[k] == removed ? 1 : 0;
          } else {
            survivorKeysMoved += after[k] == before[k] ? 0 : 1;
          }
        }
        assertThat(survivorKeysMoved).as("set %d, removed %s", set, removed.id()).isZero();
        assertThat(orphans).isZero();
      }
    }
  }

  @ParameterizedTest(name = "N = {0}")
  @ValueSource(ints = {3, 10, 100})
  void addingABackendMovesKeysOnlyOntoIt(int n) {
    for (int set = 0; set < SETS; set++) {
      Random random = new Random(2000L * n + set);
      List<Backend> pods = Pods.random(random, n + 1);
      Backend added = pods.remove(random.nextInt(pods.size()));
      long[] keys = Pods.keyHashes(random, KEYS);
      Backend[] before = owners(HashRing.of(pods), keys);
      List<Backend> grown = new ArrayList<>(pods);
      grown.add(added);
      Backend[] after = owners(HashRing.of(grown), keys);
      int moved = 0;
      int movedElsewhere = 0;
      for (int k = 0; k < KEYS; k++) {
        if (after[k] != before[k]) {
          moved++;
          movedElsewhere += after[k] == added ? 0 : 1;
        }
      }
      assertThat(movedElsewhere).as("set %d", set).isZero();
      // About 1/(n+1) of the keys, well within the ring's balance; zero would mean it got none.
      assertThat(moved).isBetween(KEYS / (n + 1) * 8 / 10, KEYS / (n + 1) * 12 / 10);
    }
  }

  @ParameterizedTest(name = "N = {0}")
  @ValueSource(ints = {3, 10, 100})
  void ringsBuiltFromTheSameBackendsInAnyOrderMapEveryKeyTheSame(int n) {
    Random random = new Random(3000L + n);
    List<Backend> pods = Pods.random(random, n);
    List<Backend> shuffled = new ArrayList<>(pods);
    Collections.shuffle(shuffled, random);
    long[] keys = Pods.keyHashes(random, KEYS);

    Backend[] owners = owners(HashRing.of(pods), keys);
    Backend[] others = owners(HashRing.of(shuffled), keys);

    int disagreements = 0;
    for (int k = 0; k < KEYS; k++) {
      disagreements += owners[k] == others[k] ? 0 : 1;
    }
    assertThat(disagreements).isZero();
  }

  @Test
  void onlyActiveBackendsGetKeys() {
    Backend active = Pods.pod("web-0");
    List<Backend> pods =
        List.of(
            active,
            Pods.inState(Pods.pod("web-1"), BackendState.DRAINING),
            Pods.inState(Pods.pod("web-2"), BackendState.DRAINED),
            Pods.inState(Pods.pod("web-3"), BackendState.UNAVAILABLE));

    HashRing ring = HashRing.of(pods);

    assertThat(ring.members()).containsExactly(active);
    for (long key : Pods.keyHashes(new Random(4), 10_000)) {
      assertThat(ring.pick(key)).isSameAs(active);
    }
  }

  @Test
  void emptyRingPicksNothing() {
    HashRing none = HashRing.of(List.of());
    HashRing allDraining =
        HashRing.of(List.of(Pods.inState(Pods.pod("web-0"), BackendState.DRAINING)));

    for (HashRing ring : List.of(none, allDraining)) {
      assertThat(ring.isEmpty()).isTrue();
      assertThat(ring.pick(42L)).isNull();
      assertThat(ring.pickFirst(42L, b -> true)).isNull();
      assertThat(ring.keyShares()).isEmpty();
    }
  }

  @Test
  void pickFirstFallsBackToWhereTheKeyWouldGoWithoutTheRejectedOwner() {
    Random random = new Random(5);
    List<Backend> pods = Pods.random(random, 10);
    HashRing ring = HashRing.of(pods);
    Map<Backend, HashRing> ringWithout = new HashMap<>();
    for (Backend pod : pods) {
      List<Backend> others = new ArrayList<>(pods);
      others.remove(pod);
      ringWithout.put(pod, HashRing.of(others));
    }
    for (long key : Pods.keyHashes(random, 5_000)) {
      Backend owner = ring.pick(key);

      assertThat(ring.pickFirst(key, b -> true)).isSameAs(owner);
      assertThat(ring.pickFirst(key, b -> b != owner)).isSameAs(ringWithout.get(owner).pick(key));
    }
  }

  @Test
  void pickFirstFindsTheOnlyAcceptableBackendOrNothing() {
    Random random = new Random(6);
    List<Backend> pods = Pods.random(random, 10);
    HashRing ring = HashRing.of(pods);
    Backend only = pods.get(7);
    for (long key : Pods.keyHashes(random, 1_000)) {
      assertThat(ring.pickFirst(key, b -> b == only)).isSameAs(only);
      assertThat(ring.pickFirst(key, b -> false)).isNull();
    }
  }

  @Test
  void rejectsTheSameIdListedTwice() {
    List<Backend> pods = List.of(Pods.pod("web-0"), Pods.pod("web-1"), Pods.pod("web-0", 2));

    assertThatThrownBy(() -> HashRing.of(pods))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("web-0");
  }

  @Test
  void ringHoldsPointsInProportionToWeightAndHalvesThemOnlyForHugeRings() {
    HashRing ring = HashRing.of(List.of(Pods.pod("a", 1), Pods.pod("b", 2)));

    assertThat(ring.pointCount()).isEqualTo(3 * HashRing.POINTS_PER_WEIGHT);
    assertThat(HashRing.pointsPerWeightUnit(2048)).isEqualTo(HashRing.POINTS_PER_WEIGHT);
    assertThat(HashRing.pointsPerWeightUnit(2049)).isEqualTo(HashRing.POINTS_PER_WEIGHT / 2);
    assertThat(HashRing.pointsPerWeightUnit(1000L * 1000)).isEqualTo(4);
    assertThat(HashRing.pointsPerWeightUnit(100_000_000L)).isEqualTo(1);
  }

  private static Backend[] owners(HashRing ring, long[] keys) {
    Backend[] owners = new Backend[keys.length];
    for (int k = 0; k < keys.length; k++) {
      owners[k] = ring.pick(keys[k]);
    }
    return owners;
  }

  /** Every backend of a small set; five at random of a large one, to keep the test fast. */
  private static List<Backend> victims(List<Backend> pods, Random random) {
    if (pods.size() <= 10) {
      return pods;
    }
    List<Backend> some = new ArrayList<>(pods);
    Collections.shuffle(some, random);
    return some.subList(0, 5);
  }
}
