package io.stickypool.bench.operator;

import java.util.concurrent.TimeUnit;

/** At most {@code perSecond} steps a second, counted from the start, so the API server keeps up. */
final class Pace {
  private final long start = System.nanoTime();
  private final long every;

  Pace(int perSecond) {
    this.every = TimeUnit.SECONDS.toNanos(1) / perSecond;
  }

  /** Waits until step {@code done} (1-based) may be followed by the next. */
  void after(int done) throws InterruptedException {
    long ahead = start + done * every - System.nanoTime();
    if (ahead > 0) {
      TimeUnit.NANOSECONDS.sleep(ahead); // rate limit, not a wait for a condition
    }
  }

  /** Seconds since the start, for progress lines. */
  double seconds() {
    return (System.nanoTime() - start) / 1e9;
  }
}
