package io.stickypool.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.core.backend.BackendId;
import io.stickypool.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Several threads touch, move and remove keys while another sweeps (which retires empty counters);
 * afterwards every count must equal a recount of the entries. One backend is picked rarely so that
 * its count keeps reaching zero, which is when a counter can be retired under a concurrent touch.
 */
class SessionTableConcurrencyTest {
  private static final int THREADS = 4;
  private static final int OPS_PER_THREAD = 100_000;
  private static final int MAX_SESSIONS = 5_000;
  private static final BackendId[] BACKENDS = new BackendId[8];

  static {
    for (int i = 0; i < BACKENDS.length; i++) {
      BACKENDS[i] = BackendId.of("pod-" + i);
    }
  }

  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

  @Test
  void countsMatchARecountAfterConcurrentTouchesMovesAndSweeps() throws Exception {
    SessionTable table = new SessionTable(MAX_SESSIONS, 8, Duration.ofMinutes(30), clock);
    CountDownLatch start = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      workers.add(worker(table, start, new SplittableRandom(t), failure));
    }
    AtomicLong sweeps = new AtomicLong();
    Thread sweeper = sweeper(table, start, workers, sweeps, failure);

    start.countDown();
    for (Thread w : workers) {
      w.join();
    }
    sweeper.join();

    assertThat(failure.get()).isNull();
    assertThat(sweeps.get()).isPositive();
    assertCountsMatchRecount(table);
  }

  @Test
  void neverLosesACountWhileSweepsRetireEmptyCounters() throws Exception {
    SessionTable table = new SessionTable(MAX_SESSIONS, 8, Duration.ofMinutes(30), clock);
    CountDownLatch start = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      workers.add(flapper(table, start, t, BACKENDS[t], failure));
    }
    Thread sweeper = sweeper(table, start, workers, new AtomicLong(), failure);

    start.countDown();
    for (Thread w : workers) {
      w.join();
    }
    sweeper.join();

    assertThat(failure.get()).isNull();
  }

  /** Pins and drops one key on a backend of its own, so that backend's count flaps 0, 1, 0. */
  private static Thread flapper(
      SessionTable table,
      CountDownLatch start,
      long key,
      BackendId backend,
      AtomicReference<Throwable> failure) {
    return started(failure, () -> {
      start.await();
      for (int op = 0; op < OPS_PER_THREAD / 2; op++) {
        table.touch(key, backend);
        assertThat(table.liveSessions(backend)).isEqualTo(1);
        table.remove(key);
        assertThat(table.liveSessions(backend)).isZero();
      }
    });
  }

  private Thread worker(
      SessionTable table,
      CountDownLatch start,
      SplittableRandom random,
      AtomicReference<Throwable> failure) {
    return started(failure, () -> {
      start.await();
      for (int op = 0; op < OPS_PER_THREAD; op++) {
        long key = random.nextInt(4 * MAX_SESSIONS);
        if (random.nextInt(10) == 0) {
          table.remove(key);
        } else {
          table.touch(key, pickBackend(random));
        }
      }
    });
  }

  /** Backend 0 is picked once in a thousand touches; the others share the rest. */
  private static BackendId pickBackend(SplittableRandom random) {
    if (random.nextInt(1000) == 0) {
      return BACKENDS[0];
    }
    return BACKENDS[1 + random.nextInt(BACKENDS.length - 1)];
  }

  private Thread sweeper(
      SessionTable table,
      CountDownLatch start,
      List<Thread> workers,
      AtomicLong sweeps,
      AtomicReference<Throwable> failure) {
    return started(failure, () -> {
      start.await();
      while (workers.stream().anyMatch(Thread::isAlive)) {
        table.expireIdle();
        sweeps.incrementAndGet();
      }
    });
  }

  private static Thread started(AtomicReference<Throwable> failure, Task task) {
    Thread thread = new Thread(() -> {
      try {
        task.run();
      } catch (Throwable e) {
        failure.compareAndSet(null, e);
      }
    });
    thread.start();
    return thread;
  }

  private static void assertCountsMatchRecount(SessionTable table) {
    int total = 0;
    for (BackendId backend : BACKENDS) {
      int[] recount = {0};
      table.forEachSession(backend, key -> recount[0]++);
      assertThat(table.liveSessions(backend)).as("count of %s", backend).isEqualTo(recount[0]);
      total += recount[0];
    }
    Map<BackendId, Integer> counts = table.countsByBackend();
    assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(total);
    assertThat(table.size()).isEqualTo(total).isLessThanOrEqualTo(MAX_SESSIONS);
  }

  @FunctionalInterface
  private interface Task {
    void run() throws Exception;
  }
}
