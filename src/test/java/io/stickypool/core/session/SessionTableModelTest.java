package io.stickypool.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.core.backend.BackendId;
import io.stickypool.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random operations checked step by step against a plain map. With one shard the table's eviction
 * is exactly second chance (CLOCK), so a {@link LinkedHashMap} in pin order with a referenced flag
 * per entry is a complete model of it; random keys and removals exercise the index's growth and
 * back-shift deletion.
 */
class SessionTableModelTest {
  private static final Duration IDLE = Duration.ofMinutes(30);
  private static final BackendId[] BACKENDS = {
    BackendId.of("a"), BackendId.of("b"), BackendId.of("c")
  };

  private record Pin(BackendId backend, long lastSeenMillis, boolean referenced) {}

  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final LinkedHashMap<Long, Pin> model = new LinkedHashMap<>();

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void behavesLikeASecondChanceMapWithOneShard(long seed) {
    int max = 64;
    SessionTable table = new SessionTable(max, 1, IDLE, clock);
    SplittableRandom random = new SplittableRandom(seed);

    for (int op = 0; op < 20_000; op++) {
      long key = random.nextInt(200) * 0x1_0000_0001L;
      int dice = random.nextInt(100);
      if (dice < 60) {
        BackendId backend = BACKENDS[random.nextInt(BACKENDS.length)];
        table.touch(key, backend);
        touchModel(key, backend, max);
      } else if (dice < 75) {
        assertThat(table.remove(key)).isEqualTo(model.remove(key) != null);
      } else if (dice < 95) {
        assertThat(table.pinned(key)).isEqualTo(modelPinned(key));
      } else {
        clock.advance(Duration.ofMinutes(random.nextInt(6)));
        assertThat(table.expireIdle()).isEqualTo(expireModel());
      }
      assertCountsMatchModel(table);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {4, 5})
  void keepsEveryPinAcrossGrowthAndDeletesWithManyShards(long seed) {
    SessionTable table = new SessionTable(1 << 16, 4, IDLE, clock);
    Map<Long, BackendId> expected = new HashMap<>();
    SplittableRandom random = new SplittableRandom(seed);

    for (int op = 0; op < 100_000; op++) {
      long key = random.nextLong(20_000);
      if (random.nextInt(3) == 0) {
        table.remove(key);
        expected.remove(key);
      } else {
        BackendId backend = BACKENDS[random.nextInt(BACKENDS.length)];
        table.touch(key, backend);
        expected.put(key, backend);
      }
    }

    for (long key = 0; key < 20_000; key++) {
      assertThat(table.pinned(key)).as("key %d", key).isEqualTo(expected.get(key));
    }
    assertThat(table.size()).isEqualTo(expected.size());
  }

  /**
   * A touch on the same backend marks the entry referenced in place; a new pin goes to the newest
   * end. A full table walks from the eldest end, sending referenced entries to the newest end once
   * (flag cleared), and evicts the first one that is not referenced.
   */
  private void touchModel(long key, BackendId backend, int max) {
    Pin pin = model.get(key);
    if (pin != null && pin.backend().equals(backend)) {
      model.put(key, new Pin(backend, clock.millis(), true));
      return;
    }
    if (pin != null) {
      model.remove(key);
    } else if (model.size() == max) {
      evictModel();
    }
    model.put(key, new Pin(backend, clock.millis(), false));
  }

  private void evictModel() {
    while (true) {
      Map.Entry<Long, Pin> eldest = model.entrySet().iterator().next();
      model.remove(eldest.getKey());
      if (!eldest.getValue().referenced()) {
        return;
      }
      Pin pin = eldest.getValue();
      model.put(eldest.getKey(), new Pin(pin.backend(), pin.lastSeenMillis(), false));
    }
  }

  private BackendId modelPinned(long key) {
    Pin pin = model.get(key);
    boolean live = pin != null && clock.millis() - pin.lastSeenMillis() < IDLE.toMillis();
    return live ? pin.backend() : null;
  }

  private int expireModel() {
    int before = model.size();
    model.values().removeIf(pin -> clock.millis() - pin.lastSeenMillis() >= IDLE.toMillis());
    return before - model.size();
  }

  private void assertCountsMatchModel(SessionTable table) {
    assertThat(table.size()).isEqualTo(model.size());
    for (BackendId backend : BACKENDS) {
      long expected = model.values().stream().filter(p -> p.backend().equals(backend)).count();
      assertThat(table.liveSessions(backend)).as("count of %s", backend).isEqualTo(expected);
    }
  }
}
