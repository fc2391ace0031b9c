package io.stickypool.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Steady load for socket tests: sessions split over a few threads, each thread walking its
 * sessions round after round until stopped or a bounded number of rounds is done. Counts requests
 * and failures (any status other than 200, or an exception); the slowest request time is kept.
 */
public final class LoadDriver implements AutoCloseable {
  private final ExecutorService pool;
  private final List<Future<?>> workers = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicInteger done = new AtomicInteger();
  private final AtomicInteger failures = new AtomicInteger();
  private volatile long slowestNanos;
  private volatile String firstFailure;

  private LoadDriver(int threads) {
    pool = Executors.newFixedThreadPool(threads);
  }

  /** Starts driving {@code sessions} with {@code threads} threads, at most {@code maxRounds} each. */
  public static LoadDriver start(List<StickySession> sessions, int threads, int maxRounds) {
    LoadDriver d = new LoadDriver(threads);
    int per = (sessions.size() + threads - 1) / threads;
    for (int t = 0; t < threads; t++) {
      List<StickySession> mine = sessions.subList(Math.min(sessions.size(), t * per), Math.min(sessions.size(), (t + 1) * per));
      d.workers.add(d.pool.submit(() -> d.drive(mine, maxRounds)));
    }
    return d;
  }

  private Void drive(List<StickySession> mine, int maxRounds) {
    for (int round = 0; round < maxRounds && !stop.get(); round++) {
      for (StickySession s : mine) {
        long t0 = System.nanoTime();
        try {
          var r = s.get("/");
          if (r.statusCode() != 200) {
            fail("status " + r.statusCode() + ": " + r.body().trim());
          }
        } catch (Exception e) {
          fail(e.toString());
        }
        slowestNanos = Math.max(slowestNanos, System.nanoTime() - t0);
        done.incrementAndGet();
      }
    }
    return null;
  }

  private void fail(String what) {
    if (failures.getAndIncrement() == 0) {
      firstFailure = what;
    }
  }

  /** What went wrong first, for the assertion message; null when nothing did. */
  public String firstFailure() {
    return firstFailure;
  }

  public int done() {
    return done.get();
  }

  public int failures() {
    return failures.get();
  }

  public long slowestMillis() {
    return slowestNanos / 1_000_000;
  }

  /** Stops the load and waits (bounded) for every thread to finish its current request. */
  @Override
  public void close() throws Exception {
    stop.set(true);
    for (Future<?> f : workers) {
      f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();
  }
}
