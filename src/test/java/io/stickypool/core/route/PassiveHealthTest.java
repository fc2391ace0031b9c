package io.stickypool.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.core.backend.BackendId;
import io.stickypool.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PassiveHealthTest {
  private static final BackendId A = BackendId.of("a");
  private static final Duration EJECT = Duration.ofSeconds(10);

  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

  /**
   * Each row: a threshold and a script of events (F failure, S success, W wait out the ejection,
   * R release), the event on which the backend is ejected ('-' if none), and whether it ends ejected.
   */
  @ParameterizedTest
  @CsvSource({
    "3, FFF,      2, true",
    "3, FFSFF,    -, false",
    "3, FFSFFF,   5, true",
    "1, F,        0, true",
    "2, FFFFF,    1, true",
    "2, FFWR,     1, false",
    "2, FFRF,     1, true",
    "2, FFWRFF,   5, true",
    "2, FFWRF,    1, false",
    "3, FFFSWRFF, 2, false",
  })
  void ejectsAfterTheThresholdInARowAndTriesAgainAfterTheEjection(
      int threshold, String script, String ejectedAt, boolean endsEjected) {
    PassiveHealth health = new PassiveHealth(threshold, EJECT, clock);
    int lastEjection = -1;
    for (int i = 0; i < script.length(); i++) {
      switch (script.charAt(i)) {
        case 'F' -> lastEjection = health.recordFailure(A) ? i : lastEjection;
        case 'S' -> health.recordSuccess(A);
        case 'W' -> clock.advance(EJECT);
        case 'R' -> health.release();
        default -> throw new IllegalArgumentException(script);
      }
    }
    assertThat(lastEjection < 0 ? "-" : String.valueOf(lastEjection)).isEqualTo(ejectedAt);
    assertThat(health.ejected()).isEqualTo(endsEjected ? Set.of(A) : Set.of());
  }

  @RepeatedTest(5)
  void exactlyOneOfManyConcurrentFailuresEjects() throws Exception {
    PassiveHealth health = new PassiveHealth(5, EJECT, clock);
    AtomicInteger ejections = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 10_000; i++) {
          if (health.recordFailure(A)) {
            ejections.incrementAndGet();
          }
          health.recordSuccess(BackendId.of("b"));
        }
      });
      thread.start();
      threads.add(thread);
    }
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }

    assertThat(ejections.get()).isEqualTo(1);
    assertThat(health.ejected()).containsExactly(A);
    clock.advance(EJECT);
    assertThat(health.release()).isTrue();
    assertThat(health.ejected()).isEmpty();
  }
}
