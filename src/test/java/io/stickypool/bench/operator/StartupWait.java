package io.stickypool.bench.operator;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Waits, bounded, for every pre-created pool to turn Ready after the operator's start, printing
 * progress every 10 s; and remembers when that happened, from the operator process's start.
 */
final class StartupWait {
  private static final long PROGRESS_EVERY = TimeUnit.SECONDS.toNanos(10);
  private static final long POLL_MS = 50;

  private final OperatorProcess operator;
  private final PoolObserver observer;
  private final int pools;
  private long readyNanos;

  StartupWait(OperatorProcess operator, PoolObserver observer, int pools) {
    this.operator = operator;
    this.observer = observer;
    this.pools = pools;
  }

  /** When all pools were first Ready, or null if not before {@code deadlineNanos} (or the operator died). */
  Instant awaitAllReady(long deadlineNanos) throws IOException, InterruptedException {
    long nextProgress = System.nanoTime() + PROGRESS_EVERY;
    while (observer.readyCount() < pools) {
      long now = System.nanoTime();
      if (now > deadlineNanos || !operator.isAlive()) {
        return null;
      }
      if (now > nextProgress) {
        System.out.printf("  %.0f s: %d/%d Ready, %d ProxyAvailable, operator CPU %.1f s%n",
            (now - operator.startedNanos()) / 1e9, observer.readyCount(), pools, observer.proxyAvailableCount(),
            operator.cpuSeconds());
        nextProgress = now + PROGRESS_EVERY;
      }
      TimeUnit.MILLISECONDS.sleep(POLL_MS);
    }
    readyNanos = System.nanoTime();
    System.out.printf("  all %d pools Ready %.2f s after the operator's start%n", pools, readySeconds());
    return operator.started().plus(Duration.ofNanos(readyNanos - operator.startedNanos()));
  }

  double readySeconds() {
    return ScaleRun.seconds(readyNanos - operator.startedNanos());
  }

  /** Seconds from the operator's start until every pool also showed ProxyAvailable, or null. */
  Double awaitAllProxyAvailable(Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (observer.proxyAvailableCount() < pools) {
      if (System.nanoTime() > deadline) {
        return null;
      }
      TimeUnit.MILLISECONDS.sleep(POLL_MS);
    }
    return ScaleRun.seconds(System.nanoTime() - operator.startedNanos());
  }

  String shortfall() {
    return String.format("not all pools Ready: %d/%d Ready (%d ProxyAvailable) when the wait ended%s",
        observer.readyCount(), pools, observer.proxyAvailableCount(),
        operator.isAlive() ? "" : "; the operator process had exited");
  }
}
