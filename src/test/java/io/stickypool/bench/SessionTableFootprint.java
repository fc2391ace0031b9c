package io.stickypool.bench;

import io.stickypool.core.backend.BackendId;
import io.stickypool.core.session.SessionTable;
import java.time.Clock;
import java.time.Duration;

/**
 * Measures the session table's heap cost per entry: used heap with a full table minus used heap
 * with an empty one (the table's arrays grow on demand, so the empty table is small), divided by
 * the entries held. Run by scripts/bench-jmh.sh with {@code -Xmx2g -XX:+UseParallelGC}; the numbers
 * are only as good as {@code System.gc()}, so it collects several times before each reading.
 */
public final class SessionTableFootprint {
  private static final int ENTRIES = 1_000_000;
  private static final int BACKENDS = 10;

  private SessionTableFootprint() {}

  public static void main(String[] args) {
    BackendId[] backends = new BackendId[BACKENDS];
    for (int i = 0; i < BACKENDS; i++) {
      backends[i] = BackendId.of("backend-" + i);
    }
    long before = usedHeapAfterGc();
    SessionTable table = new SessionTable(ENTRIES, Duration.ofMinutes(30), Clock.systemUTC());
    long empty = usedHeapAfterGc();
    // Spread keys like session ids: consecutive ids are hashed by the table anyway.
    for (long key = 0; key < ENTRIES; key++) {
      table.touch(key * 0x9E3779B97F4A7C15L, backends[(int) (key % BACKENDS)]);
    }
    long full = usedHeapAfterGc();

    // Shards fill unevenly, so a full table holds slightly fewer than its maximum; divide by what
    // it actually holds.
    int held = table.size();
    System.out.printf(
        "session table: %d entries (max %d, %d backends), %d bytes/entry (heap delta; empty table"
            + " %d bytes)%n",
        held, ENTRIES, BACKENDS, Math.round((double) (full - empty) / held), empty - before);
    // Keep the table reachable until after the last reading.
    System.out.println("live sessions on " + backends[0] + ": " + table.liveSessions(backends[0]));
  }

  private static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }
}
