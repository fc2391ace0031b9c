package io.stickypool.core.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.stickypool.core.backend.BackendId;
import io.stickypool.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionTableTest {
  private static final Duration IDLE = Duration.ofMinutes(30);
  private static final BackendId A = BackendId.of("pod-a");
  private static final BackendId B = BackendId.of("pod-b");
  private static final BackendId C = BackendId.of("pod-c");

  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

  @Test
  void returnsTheBackendAKeyWasTouchedOn() {
    SessionTable table = new SessionTable(100, IDLE, clock);

    table.touch(1L, A);
    table.touch(2L, B);

    assertThat(table.pinned(1L)).isEqualTo(A);
    assertThat(table.pinned(2L)).isEqualTo(B);
    assertThat(table.pinned(3L)).isNull();
    assertThat(table.size()).isEqualTo(2);
  }

  @Test
  void movesTheCountWhenAKeyIsTouchedOnAnotherBackend() {
    SessionTable table = new SessionTable(100, IDLE, clock);
    table.touch(1L, A);
    table.touch(2L, A);

    table.touch(1L, B);

    assertThat(table.pinned(1L)).isEqualTo(B);
    assertThat(table.liveSessions(A)).isEqualTo(1);
    assertThat(table.liveSessions(B)).isEqualTo(1);
    assertThat(table.size()).isEqualTo(2);
  }

  @Test
  void evictsTheLeastRecentlySeenWhenFull() {
    SessionTable table = new SessionTable(3, 1, IDLE, clock);
    table.touch(1L, A);
    table.touch(2L, B);
    table.touch(3L, A);
    table.touch(1L, A);

    table.touch(4L, C);

    assertThat(table.pinned(2L)).isNull();
    assertThat(table.pinned(1L)).isEqualTo(A);
    assertThat(table.countsByBackend()).containsExactly(entry(A, 2), entry(C, 1));
    assertThat(table.evictions()).isEqualTo(1);
  }

  @Test
  void neverHoldsMoreThanMaxSessionsAcrossShards() {
    SessionTable table = new SessionTable(1000, IDLE, clock);

    for (long key = 0; key < 5000; key++) {
      table.touch(key, key % 2 == 0 ? A : B);
    }

    assertThat(table.size()).isEqualTo(1000);
    assertThat(table.liveSessions(A) + table.liveSessions(B)).isEqualTo(1000);
    assertThat(table.evictions()).isEqualTo(4000);
  }

  @Test
  void hidesIdleSessionsFromLookupsBeforeTheSweep() {
    SessionTable table = new SessionTable(100, IDLE, clock);
    table.touch(1L, A);

    clock.advance(IDLE);

    assertThat(table.pinned(1L)).isNull();
    assertThat(keysOf(table, A)).isEmpty();
  }

  @Test
  void sweepDropsIdleSessionsAndTheirCounts() {
    SessionTable table = new SessionTable(100, IDLE, clock);
    table.touch(1L, A);
    table.touch(2L, B);
    clock.advance(IDLE.minusMinutes(1));
    table.touch(2L, B);
    clock.advance(Duration.ofMinutes(1));

    int expired = table.expireIdle();

    assertThat(expired).isEqualTo(1);
    assertThat(table.liveSessions(A)).isZero();
    assertThat(table.countsByBackend()).containsExactly(entry(B, 1));
    assertThat(table.pinned(2L)).isEqualTo(B);
  }

  @Test
  void keepsSessionsTouchedWithinTheIdleTimeout() {
    SessionTable table = new SessionTable(100, IDLE, clock);
    table.touch(1L, A);
    clock.advance(IDLE.minusSeconds(1));
    table.touch(1L, A);
    clock.advance(IDLE.minusSeconds(1));

    assertThat(table.expireIdle()).isZero();
    assertThat(table.pinned(1L)).isEqualTo(A);
  }

  @Test
  void removeBackendDropsItsSessionsAndReturnsHowMany() {
    SessionTable table = new SessionTable(100, IDLE, clock);
    for (long key = 0; key < 30; key++) {
      table.touch(key, key < 20 ? A : B);
    }

    int removed = table.removeBackend(A);

    assertThat(removed).isEqualTo(20);
    assertThat(table.liveSessions(A)).isZero();
    assertThat(table.pinned(0L)).isNull();
    assertThat(table.countsByBackend()).containsExactly(entry(B, 10));
  }

  @Test
  void removeForgetsOneKey() {
    SessionTable table = new SessionTable(100, IDLE, clock);
    table.touch(1L, A);

    assertThat(table.remove(1L)).isTrue();
    assertThat(table.remove(1L)).isFalse();
    assertThat(table.pinned(1L)).isNull();
    assertThat(table.liveSessions(A)).isZero();
  }

  @Test
  void listsTheDistinctKeysOfOneBackend() {
    SessionTable table = new SessionTable(100, IDLE, clock);
    table.touch(7L, A);
    table.touch(8L, B);
    table.touch(9L, A);
    table.touch(7L, A);

    assertThat(keysOf(table, A)).containsExactlyInAnyOrder(7L, 9L);
  }

  @Test
  void reportsTheNewestActivityOfABackend() {
    SessionTable table = new SessionTable(100, IDLE, clock);
    Instant first = clock.instant();
    table.touch(1L, A);
    clock.advance(Duration.ofSeconds(5));
    table.touch(2L, A);

    assertThat(table.lastActivity(A)).isEqualTo(first.plusSeconds(5));
    assertThat(table.lastActivity(B)).isNull();
  }

  @Test
  void countsAgainAfterABackendsCounterWasRetired() {
    SessionTable table = new SessionTable(100, IDLE, clock);
    table.touch(1L, A);
    table.remove(1L);
    table.expireIdle();

    table.touch(2L, A);

    assertThat(table.liveSessions(A)).isEqualTo(1);
  }

  @Test
  void aPinKeepsItsTimeUntilTheSessionChangesBackend() {
    SessionTable table = new SessionTable(100, IDLE, clock);
    long t0 = clock.millis();
    table.touch(1L, A);
    clock.advance(Duration.ofSeconds(5));
    table.touch(1L, A);
    assertThat(pinsOf(table, A)).containsExactly(entry(1L, t0));

    table.touch(1L, B);

    assertThat(pinsOf(table, A)).isEmpty();
    assertThat(pinsOf(table, B)).containsExactly(entry(1L, t0 + 5000));
    assertThat(table.repins()).as("following another replica's move is not a re-pin made here").isEmpty();
  }

  @Test
  void listsItsOwnRePinsWhileTheSessionKeepsThatPinAndIsNotIdle() {
    SessionTable table = new SessionTable(100, IDLE, clock);
    table.touch(1L, A);
    table.touch(2L, A);
    clock.advance(Duration.ofSeconds(1));
    long t1 = clock.millis();

    table.repin(1L, B, A, RepinReason.DRAINED);
    table.repin(3L, C, A, RepinReason.FAILOVER);
    clock.advance(Duration.ofSeconds(1));
    table.touch(1L, B);

    assertThat(table.repins()).containsExactlyInAnyOrder(
        new Repin(1L, B, A, RepinReason.DRAINED, t1), new Repin(3L, C, A, RepinReason.FAILOVER, t1));
    table.touch(3L, B);
    assertThat(table.repins()).as("moved on again, by another replica's cookie")
        .containsExactly(new Repin(1L, B, A, RepinReason.DRAINED, t1));
    clock.advance(IDLE);
    assertThat(table.repins()).as("idle").isEmpty();
  }

  private static java.util.Map<Long, Long> pinsOf(SessionTable table, BackendId backend) {
    java.util.Map<Long, Long> pins = new java.util.TreeMap<>();
    table.forEachPin(backend, pins::put);
    return pins;
  }

  private static List<Long> keysOf(SessionTable table, BackendId backend) {
    List<Long> keys = new ArrayList<>();
    table.forEachSession(backend, keys::add);
    return keys;
  }
}
