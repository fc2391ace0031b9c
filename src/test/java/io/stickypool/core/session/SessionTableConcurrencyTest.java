package io.stickypool.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.backend.BackendState;
import io.stickypool.core.placement.NewSessionPlacer;
import io.stickypool.core.snapshot.PlacementSettings;
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

    long sweeps = runWithSweeper(table, THREADS,
        t -> churn(table, new SplittableRandom(t)));

    assertThat(sweeps).isPositive();
    assertCountsMatchRecount(table);
    assertThat(table.size()).isLessThanOrEqualTo(MAX_SESSIONS);
  }

  @Test
  void neverLosesACountWhileSweepsRetireEmptyCounters() throws Exception {
    SessionTable table = new SessionTable(MAX_SESSIONS, 8, Duration.ofMinutes(30), clock);

    long sweeps = runWithSweeper(table, 2,
        t -> flap(table, t, BACKENDS[t]));

    assertThat(sweeps).isPositive();
  }

  @Test
  void placementIndexAgreesWithTheCountsAfterConcurrentPinsRepinsAndSweeps() throws Exception {
    SessionTable table = new SessionTable(MAX_SESSIONS, 8, Duration.ofMinutes(30), clock);
    List<Backend> pods = new ArrayList<>();
    for (int i = 0; i < BACKENDS.length; i++) {
      pods.add(new Backend(BACKENDS[i], "10.0.0.1", 8080, 1 + i % 2, BackendState.ACTIVE, null));
    }
    NewSessionPlacer placer = NewSessionPlacer.of(pods, PlacementSettings.defaults());
    assertThat(table.indexFor(placer)).isNotNull();

    runWithSweeper(table, THREADS,
        t -> placeAndChurn(table, placer, new SplittableRandom(t)));

    assertCountsMatchRecount(table);
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 10_000; i++) {
      long hash = random.nextLong();
      assertThat(placer.place(table, hash)).isSameAs(placer.place(table::liveSessions, hash));
    }
    assertThat(table.indexFor(placer).total()).isEqualTo(table.size());
  }

  /**
   * Each worker owns a few keys and touches them while a sweeper advances the clock and expires:
   * right after a touch at time t the key must still be pinned unless the clock has since moved
   * past t + idle. A sweep that dropped an entry on a stale read of its time would break that.
   */
  @Test
  void aTouchRacingTheSweepIsNeverLost() throws Exception {
    Duration idle = Duration.ofMinutes(30);
    SessionTable table = new SessionTable(1 << 19, 8, idle, clock);
    CountDownLatch start = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      long first = 1_000_000L * (t + 1);
      BackendId backend = BACKENDS[t];
      workers.add(started(failure, () -> {
        start.await();
        for (int op = 0; op < OPS_PER_THREAD; op++) {
          long key = first + op % 16;
          long before = clock.millis();
          table.touch(key, backend);
          BackendId pinned = table.pinned(key);
          if (pinned == null) {
            assertThat(clock.millis() - before).as("lost touch of %d", key).isGreaterThanOrEqualTo(idle.toMillis());
          } else {
            assertThat(pinned).isEqualTo(backend);
          }
          if (op % 4 == 0) {
            table.touch(first + 16 + op, BACKENDS[BACKENDS.length - 1]);
          }
        }
      }));
    }
    Thread sweeper = started(failure, () -> {
      start.await();
      while (workers.stream().anyMatch(Thread::isAlive)) {
        clock.advance(Duration.ofMinutes(1));
        table.expireIdle();
      }
    });

    start.countDown();
    for (Thread w : workers) {
      w.join();
    }
    sweeper.join();

    assertThat(failure.get()).isNull();
    assertThat(table.evictions()).as("no entry left by eviction").isZero();
    // A touch that read the clock long before it finished may have pinned a key already idle:
    // counts include such entries until a sweep, which must then drop exactly them.
    table.expireIdle();
    assertCountsMatchRecount(table);
  }

  /** Starts the workers and a sweeper together, waits for all, fails on any failure; the sweeps. */
  private static long runWithSweeper(SessionTable table, int threads, Body body)
      throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int index = t;
      workers.add(started(failure, () -> {
        start.await();
        body.run(index);
      }));
    }
    AtomicLong sweeps = new AtomicLong();
    Thread sweeper = sweeper(table, start, workers, sweeps, failure);
    start.countDown();
    for (Thread w : workers) {
      w.join();
    }
    sweeper.join();
    assertThat(failure.get()).isNull();
    return sweeps.get();
  }

  /** What worker {@code index} does once all are started. */
  @FunctionalInterface
  private interface Body {
    void run(int index) throws Exception;
  }

  /** Places new sessions through the index, touches, re-pins and removes keys at random. */
  private static void placeAndChurn(SessionTable table, NewSessionPlacer placer, SplittableRandom random) {
    for (int op = 0; op < OPS_PER_THREAD; op++) {
      long key = random.nextInt(4 * MAX_SESSIONS);
      int dice = random.nextInt(10);
      if (dice == 0) {
        table.remove(key);
      } else if (dice == 1) {
        table.repin(key, pickBackend(random), BACKENDS[0], RepinReason.FAILOVER);
      } else {
        BackendId pinned = table.pinned(key);
        boolean place = dice < 5 || pinned == null;
        table.touch(key, place ? placer.place(table, random.nextLong()).id() : pinned);
      }
    }
  }

  /** Pins and drops one key on a backend of its own, so that backend's count flaps 0, 1, 0. */
  private static void flap(SessionTable table, long key, BackendId backend) {
    for (int op = 0; op < OPS_PER_THREAD / 2; op++) {
      table.touch(key, backend);
      assertThat(table.liveSessions(backend)).isEqualTo(1);
      table.remove(key);
      assertThat(table.liveSessions(backend)).isZero();
    }
  }

  private static void churn(SessionTable table, SplittableRandom random) {
    for (int op = 0; op < OPS_PER_THREAD; op++) {
      long key = random.nextInt(4 * MAX_SESSIONS);
      if (random.nextInt(10) == 0) {
        table.remove(key);
      } else {
        table.touch(key, pickBackend(random));
      }
    }
  }

  /** Backend 0 is picked once in a thousand touches; the others share the rest. */
  private static BackendId pickBackend(SplittableRandom random) {
    if (random.nextInt(1000) == 0) {
      return BACKENDS[0];
    }
    return BACKENDS[1 + random.nextInt(BACKENDS.length - 1)];
  }

  private static Thread sweeper(
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
    assertThat(table.size()).isEqualTo(total);
  }

  @FunctionalInterface
  private interface Task {
    void run() throws Exception;
  }
}
