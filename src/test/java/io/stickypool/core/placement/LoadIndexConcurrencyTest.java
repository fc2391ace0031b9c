package io.stickypool.core.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.snapshot.PlacementSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Several threads change counts at once (each change refreshes the index's trees lock-free) while
 * another places sessions, in short bursts. Every placement must name a candidate, and after every
 * burst the index must agree exactly with a scan of the counts, for any tie-break hash: a refresh
 * lost to a race would leave a node stale once the burst ends.
 */
class LoadIndexConcurrencyTest {
  private static final int WRITERS = 4;
  private static final int BURSTS = 300;
  private static final int CHANGES_PER_BURST = 1_000;

  @Test
  void agreesWithAScanAfterEveryBurstOfConcurrentChanges() throws Exception {
    List<Backend> pods = new ArrayList<>();
    for (Backend b : Pods.random(new Random(7), 24)) {
      pods.add(Pods.pod(b.id().value(), pods.size() % 3 == 0 ? 2 : 1));
    }
    IndexedCounts counts = new IndexedCounts();
    NewSessionPlacer placer = NewSessionPlacer.of(pods, PlacementSettings.defaults());
    placer.place(counts, 1L);
    CyclicBarrier go = new CyclicBarrier(WRITERS + 2);
    CyclicBarrier done = new CyclicBarrier(WRITERS + 2);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < WRITERS; t++) {
      SplittableRandom random = new SplittableRandom(t);
      // Few pods, small counts: ties everywhere and counts crossing each other all the time.
      threads.add(bursts(failure, go, done, () -> counts.add(
          pods.get(random.nextInt(pods.size())), random.nextInt(2) == 0 ? -1 : 1)));
    }
    SplittableRandom placing = new SplittableRandom(99);
    threads.add(bursts(failure, go, done, () -> assertThat(placer.place(counts, placing.nextLong())).isIn(pods)));

    SplittableRandom random = new SplittableRandom(5);
    for (int burst = 0; burst < BURSTS && failure.get() == null; burst++) {
      go.await(10, TimeUnit.SECONDS);
      done.await(10, TimeUnit.SECONDS);
      for (int i = 0; i < 20; i++) {
        long hash = random.nextLong();
        assertThat(placer.place(counts, hash)).as("burst %d", burst).isSameAs(placer.place(counts.scanned(), hash));
      }
      long total = pods.stream().mapToLong(p -> counts.liveSessions(p.id())).sum();
      assertThat(counts.indexFor(placer).total()).isEqualTo(total);
    }
    for (Thread t : threads) {
      t.interrupt();
      t.join();
    }
    assertThat(failure.get()).isNull();
  }

  private static Thread bursts(
      AtomicReference<Throwable> failure, CyclicBarrier go, CyclicBarrier done, Runnable change) {
    Thread thread = new Thread(() -> {
      try {
        for (int burst = 0; burst < BURSTS; burst++) {
          go.await();
          for (int i = 0; i < CHANGES_PER_BURST; i++) {
            change.run();
          }
          done.await();
        }
      } catch (InterruptedException | java.util.concurrent.BrokenBarrierException e) {
        Thread.currentThread().interrupt();
      } catch (Throwable e) {
        failure.compareAndSet(null, e);
      }
    });
    thread.start();
    return thread;
  }
}
