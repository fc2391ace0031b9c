package io.stickypool.core.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How evenly the ring spreads keys. Balance is asserted on the exact shares of the hash space
 * ({@link HashRing#keyShares}): a sample of keys adds its own noise (100k keys over 100 backends is
 * about 3% per backend), which would test the sample rather than the ring. A separate test checks
 * that sampled keys do follow the exact shares.
 */
class HashRingBalanceTest {
  private static final int SETS = 10;

  @ParameterizedTest(name = "N = {0}")
  @ValueSource(ints = {3, 10, 100})
  void largestShareIsWithinTenPercentOfTheMeanForRandomPodNames(int n) {
    for (int set = 0; set < SETS; set++) {
      List<Backend> pods = Pods.random(new Random(7000L * n + set), n);

      Map<BackendId, Double> shares = HashRing.of(pods).keyShares();

      assertThat(peakToMean(shares.values())).as("set %d", set).isLessThanOrEqualTo(1.10);
    }
  }

  @ParameterizedTest(name = "N = {0}")
  @ValueSource(ints = {3, 10})
  void sampledKeysFollowTheExactSharesAndStayBalanced(int n) {
    Random random = new Random(8000L + n);
    HashRing ring = HashRing.of(Pods.random(random, n));
    long[] keys = Pods.keyHashes(random, 200_000);

    Map<BackendId, Double> sampled = sampledShares(ring, keys);

    ring.keyShares()
        .forEach((id, exact) -> assertThat(sampled.get(id)).isCloseTo(exact, within(0.005)));
    assertThat(peakToMean(sampled.values())).isLessThanOrEqualTo(1.10);
  }

  @Test
  void weightTwoBackendGetsTwiceTheKeysOfWeightOne() {
    for (int set = 0; set < 5; set++) {
      List<Backend> pods = Pods.random(new Random(9000L + set), 2);
      Backend light = pods.get(0);
      Backend heavy = Pods.pod(pods.get(1).id().value(), 2);

      Map<BackendId, Double> shares = HashRing.of(List.of(light, heavy)).keyShares();

      double ratio = shares.get(heavy.id()) / shares.get(light.id());
      assertThat(ratio).as("set %d", set).isBetween(1.8, 2.2);
    }
  }

  @Test
  void sharesFollowWeightsInAMixedRing() {
    Random random = new Random(10);
    List<Backend> base = Pods.random(random, 12);
    Backend[] pods = new Backend[base.size()];
    for (int i = 0; i < pods.length; i++) {
      pods[i] = Pods.pod(base.get(i).id().value(), 1 + i % 3);
    }

    Map<BackendId, Double> shares = HashRing.of(List.of(pods)).keyShares();

    double perWeight = 1.0 / 24;
    for (Backend b : pods) {
      assertThat(shares.get(b.id()) / b.weight())
          .as(b.id().value())
          .isCloseTo(perWeight, within(perWeight * 0.1));
    }
  }

  private static Map<BackendId, Double> sampledShares(HashRing ring, long[] keys) {
    Map<Backend, int[]> counts = new IdentityHashMap<>();
    for (Backend member : ring.members()) {
      counts.put(member, new int[1]);
    }
    for (long key : keys) {
      counts.get(ring.pick(key))[0]++;
    }
    Map<BackendId, Double> shares = new HashMap<>();
    counts.forEach((b, n) -> shares.put(b.id(), n[0] / (double) keys.length));
    return shares;
  }

  private static double peakToMean(Collection<Double> shares) {
    double max = shares.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    double mean = shares.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    return max / mean;
  }
}
