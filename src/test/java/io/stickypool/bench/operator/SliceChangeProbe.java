package io.stickypool.bench.operator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Times EndpointSlice change -> routes ConfigMap updated, one change at a time, spread over the
 * pools: the clock starts just before the slice write and stops when the harness's ConfigMap watch
 * delivers a higher snapshot version for that pool (what a proxy's watch would see). Changes start
 * at least {@code spacing} apart and never overlap, so each measures one change, not a queue.
 */
final class SliceChangeProbe {
  /**
   * @param millis the latencies of the changes that arrived, sorted
   * @param timedOut changes whose new version did not arrive within the per-change limit
   */
  record Latencies(List<Double> millis, int timedOut) {
    double percentile(int p) {
      if (millis.isEmpty()) {
        return Double.NaN;
      }
      int idx = (int) Math.ceil(p / 100.0 * millis.size()) - 1;
      return millis.get(Math.max(0, idx));
    }

    double max() {
      return millis.isEmpty() ? Double.NaN : millis.get(millis.size() - 1);
    }
  }

  private final BenchPools pools;
  private final PoolObserver observer;
  private final Duration spacing;
  private final Duration limit;

  SliceChangeProbe(BenchPools pools, PoolObserver observer, Duration spacing, Duration limit) {
    this.pools = pools;
    this.observer = observer;
    this.spacing = spacing;
    this.limit = limit;
  }

  /** Makes {@code changes} changes, stopping early (with what it has) at {@code deadlineNanos}. */
  Latencies run(int changes, long deadlineNanos) throws InterruptedException {
    List<Double> millis = new ArrayList<>();
    int timedOut = 0;
    int n = pools.count();
    for (int i = 0; i < changes && System.nanoTime() < deadlineNanos; i++) {
      int index = n >= changes ? (int) ((long) i * n / changes) : i % n;
      String pool = BenchPools.pool(index);
      long before = observer.routes(pool).version();
      long start = System.nanoTime();
      pools.flip(index);
      try {
        Awaitility.await().atMost(limit).pollInterval(Duration.ofMillis(1)).pollDelay(Duration.ZERO)
            .until(() -> observer.routes(pool).version() > before);
        millis.add((observer.routes(pool).atNanos() - start) / 1e6);
      } catch (ConditionTimeoutException e) {
        timedOut++;
        System.out.printf("  change %d (%s): no new routes version within %s%n", i, pool, limit);
      }
      long wait = start + spacing.toNanos() - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait); // pacing between changes, not a wait for a condition
      }
    }
    Collections.sort(millis);
    return new Latencies(millis, timedOut);
  }
}
