package io.stickypool.core.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DistinctSketchTest {
  @Test
  void countsExactlyUpToTheLimitAndIgnoresRepeats() {
    DistinctSketch sketch = new DistinctSketch();
    for (int round = 0; round < 3; round++) {
      for (long key = 1; key <= DistinctSketch.EXACT_LIMIT; key++) {
        sketch.add(key);
      }
    }

    assertThat(sketch.isExact()).isTrue();
    assertThat(sketch.estimate()).isEqualTo(DistinctSketch.EXACT_LIMIT);
    assertThat(sketch.exactKeys()).hasSize(DistinctSketch.EXACT_LIMIT).isSorted()
        .as("raw session ids never leave the sketch").doesNotContain(1L, 2L, 3L);
  }

  @Test
  void twoReplicasThatSawTheSameSessionsCountThemOnce() {
    DistinctSketch a = new DistinctSketch();
    DistinctSketch b = new DistinctSketch();
    for (long key = 0; key < 300; key++) {
      a.add(key);            // sessions 0..299 on replica a
      b.add(key + 200);      // sessions 200..499 on replica b: 100 seen by both
    }

    assertThat(a.merge(b).estimate()).isEqualTo(500);
  }

  @ParameterizedTest
  @ValueSource(ints = {2_000, 10_000, 100_000, 1_000_000})
  void estimatesLargeCountsWithinFourStandardErrors(int n) {
    SplittableRandom random = new SplittableRandom(n);
    DistinctSketch sketch = new DistinctSketch();
    for (int i = 0; i < n; i++) {
      sketch.add(random.nextLong());
    }

    assertThat(sketch.isExact()).isFalse();
    assertThat((double) sketch.estimate()).isCloseTo(n, within(n * 4 * 1.04 / 64));
  }

  @Test
  void unionOfLargeOverlappingSketchesIsTheUnionNotTheSum() {
    DistinctSketch a = new DistinctSketch();
    DistinctSketch b = new DistinctSketch();
    DistinctSketch small = new DistinctSketch();
    for (long key = 0; key < 50_000; key++) {
      a.add(key);
      b.add(key + 25_000);
    }
    for (long key = 0; key < 10; key++) {
      small.add(1_000_000 + key);
    }

    long union = a.merge(b).merge(small).estimate();

    assertThat((double) union).isCloseTo(75_010, within(75_010 * 0.065));
  }

  @Test
  void exportedFormsRebuildTheSameSketch() {
    DistinctSketch exact = new DistinctSketch();
    DistinctSketch hll = new DistinctSketch();
    for (long key = 0; key < 5_000; key++) {
      hll.add(key);
      if (key < 40) {
        exact.add(key);
      }
    }
    DistinctSketch fromKeys = new DistinctSketch();
    for (long mixed : exact.exactKeys()) {
      fromKeys.addMixed(mixed);
    }

    assertThat(fromKeys.estimate()).isEqualTo(40);
    assertThat(DistinctSketch.ofRegisters(hll.registers()).estimate()).isEqualTo(hll.estimate());
  }

  @Test
  void rejectsRegistersOfTheWrongShape() {
    assertThatThrownBy(() -> DistinctSketch.ofRegisters(new byte[10]))
        .hasMessageContaining("4096 registers");
    byte[] bad = new byte[DistinctSketch.REGISTERS];
    bad[7] = 99;
    assertThatThrownBy(() -> DistinctSketch.ofRegisters(bad)).hasMessageContaining("out of range");
  }
}
