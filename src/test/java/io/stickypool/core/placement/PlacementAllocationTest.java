package io.stickypool.core.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.snapshot.PlacementSettings;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-request placement calls must not allocate: they run on event-loop threads for every
 * request. Measured with the JDK's per-thread allocation counter over many calls, so a single
 * allocated object per call (16+ bytes each) would show up as hundreds of kilobytes.
 */
class PlacementAllocationTest {
  private static final int CALLS = 20_000;
  private static final long SLACK_BYTES = 4_096;

  private static List<Backend> pods;
  private static String[] keys;
  private static Pods.Counts counts;
  private static long sink;

  @BeforeAll
  static void setUp() {
    Random random = new Random(15);
    pods = Pods.random(random, 100);
    keys = new String[1024];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = "user-" + Long.toUnsignedString(random.nextLong(), 36);
    }
    counts = new Pods.Counts();
    for (Backend pod : pods) {
      counts.set(pod.id().value(), random.nextInt(100));
    }
  }

  @Test
  void hashingAndRingLookupDoNotAllocate() {
    HashRing ring = HashRing.of(pods);

    assertThat(bytesAllocatedBy(i -> sink += ring.pick(KeyHash.hash(keys[i & 1023])).port()))
        .isLessThan(SLACK_BYTES);
    assertThat(bytesAllocatedBy(i -> sink += ring.pickFirst(i * 31L, b -> true).port()))
        .isLessThan(SLACK_BYTES);
  }

  @Test
  void placingNewSessionsAndKeysDoesNotAllocate() {
    NewSessionPlacer sessions = NewSessionPlacer.of(pods, PlacementSettings.defaults());
    BoundedKeyPlacer keyed = BoundedKeyPlacer.of(HashRing.of(pods), PlacementSettings.defaults());

    assertThat(bytesAllocatedBy(i -> sink += sessions.place(counts, i).port()))
        .isLessThan(SLACK_BYTES);
    assertThat(bytesAllocatedBy(i -> sink += keyed.place(KeyHash.hash(i), counts).port()))
        .isLessThan(SLACK_BYTES);
  }

  private static long bytesAllocatedBy(IntConsumer call) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    call.accept(0);
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < CALLS; i++) {
      call.accept(i);
    }
    return threads.getCurrentThreadAllocatedBytes() - before;
  }
}
