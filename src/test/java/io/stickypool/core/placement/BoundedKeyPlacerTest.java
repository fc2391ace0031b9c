package io.stickypool.core.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.snapshot.PlacementSettings;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BoundedKeyPlacerTest {
  private static final PlacementSettings DEFAULTS = PlacementSettings.defaults();

  @Test
  void withoutLoadEveryKeyGoesToItsRingOwner() {
    Random random = new Random(11);
    HashRing ring = HashRing.of(Pods.random(random, 10));
    BoundedKeyPlacer placer = BoundedKeyPlacer.of(ring, DEFAULTS);

    for (long key : Pods.keyHashes(random, 10_000)) {
      assertThat(placer.place(key, SessionLoad.NONE)).isSameAs(ring.pick(key));
    }
  }

  @Test
  void overloadedOwnerIsSkippedForTheNextBackendClockwise() {
    Random random = new Random(12);
    HashRing ring = HashRing.of(Pods.random(random, 10));
    BoundedKeyPlacer placer = BoundedKeyPlacer.of(ring, DEFAULTS);
    for (long key : Pods.keyHashes(random, 1_000)) {
      Backend owner = ring.pick(key);
      SessionLoad ownerFull = id -> id.equals(owner.id()) ? 100 : 0;

      Backend placed = placer.place(key, ownerFull);

      assertThat(placed).isNotSameAs(owner).isSameAs(ring.pickFirst(key, b -> b != owner));
    }
  }

  /**
   * Three backends hold 10 sessions each; the owner may hold ceil(1.25 * (total + 1) / 4) after
   * taking the key: 14 of 45 (ceil 14.06 = 15 after), but not 15 of 46 (ceil 14.4 = 15).
   */
  @ParameterizedTest(name = "owner holding {0} keeps the key: {1}")
  @CsvSource({"0, true", "10, true", "14, true", "15, false", "40, false"})
  void ownerKeepsTheKeyUntilTakingItWouldPassTheBound(int ownerLoad, boolean kept) {
    HashRing ring = HashRing.of(Pods.random(new Random(13), 4));
    long key = KeyHash.hash("user-1");
    Backend owner = ring.pick(key);
    int total = ownerLoad + 30;
    SessionLoad load = id -> id.equals(owner.id()) ? ownerLoad : 10;

    Backend placed = BoundedKeyPlacer.of(ring, DEFAULTS).place(key, load);

    double capacity = Math.ceil(1.25 * (total + 1) / 4);
    assertThat(placed == owner).as("capacity %s", capacity).isEqualTo(kept);
  }

  @Test
  void placingSkewedKeysOneByOneNeverPassesTheBound() {
    Random random = new Random(14);
    List<Backend> pods = Pods.random(random, 10);
    BoundedKeyPlacer placer = BoundedKeyPlacer.of(HashRing.of(pods), DEFAULTS);
    Pods.Counts counts = new Pods.Counts();
    long hot = KeyHash.hash("hot-tenant");
    long[] cold = Pods.keyHashes(random, 20_000);

    for (int i = 0; i < cold.length; i++) {
      // Half the sessions come from one hot key: its owner fills up and must shed.
      Backend placed = placer.place(i % 2 == 0 ? hot : cold[i], counts);
      counts.add(placed);
      double bound = Math.ceil(DEFAULTS.boundedLoadFactor() * (i + 1) / pods.size());
      assertThat(counts.liveSessions(placed.id()))
          .as("placement %d", i)
          .isLessThanOrEqualTo((int) bound);
    }
  }

  @Test
  void weightedBoundGivesAHeavierBackendMoreRoom() {
    Backend heavy = Pods.pod("a", 3);
    Backend light = Pods.pod("b", 1);
    HashRing ring = HashRing.of(List.of(heavy, light));
    long key = keyOwnedBy(ring, heavy);
    // 8 sessions on heavy, 0 on light: heavy may hold ceil(1.25 * 9 * 3 / 4) = 9.
    SessionLoad load = id -> id.equals(heavy.id()) ? 8 : 0;

    assertThat(BoundedKeyPlacer.of(ring, DEFAULTS).place(key, load)).isSameAs(heavy);
  }

  @Test
  void emptyRingPlacesNothing() {
    BoundedKeyPlacer placer = BoundedKeyPlacer.of(HashRing.of(List.of()), DEFAULTS);

    assertThat(placer.place(42L, SessionLoad.NONE)).isNull();
  }

  private static long keyOwnedBy(HashRing ring, Backend owner) {
    for (long i = 0; ; i++) {
      if (ring.pick(KeyHash.hash(i)) == owner) {
        return KeyHash.hash(i);
      }
    }
  }

  @Test
  void takesTheTotalFromTheIndexAndPlacesAsByAddingCountsUp() {
    Random random = new Random(3);
    List<Backend> pods = Pods.random(random, 40);
    PlacementSettings settings = new PlacementSettings(1.1);
    HashRing ring = HashRing.of(pods);
    BoundedKeyPlacer indexed = BoundedKeyPlacer.of(ring, settings, NewSessionPlacer.of(pods, settings));
    BoundedKeyPlacer summing = BoundedKeyPlacer.of(ring, settings);
    IndexedCounts counts = new IndexedCounts();

    for (int i = 0; i < 5_000; i++) {
      long key = random.nextLong();
      Backend b = indexed.place(key, counts);
      assertThat(b).isSameAs(summing.place(key, counts.scanned()));
      counts.add(b, 1);
      if (i % 3 == 0) {
        Backend other = pods.get(random.nextInt(pods.size()));
        counts.add(other, counts.liveSessions(other.id()) > 0 ? -1 : 0);
      }
    }
  }
}
