package io.stickypool.bench;

import io.stickypool.core.backend.BackendId;
import io.stickypool.core.session.SessionTable;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * The request-path cost of the session table: refreshing a session that is already pinned (the
 * common case) and looking one up, on a table of 100,000 sessions over 10 backends. Keys are
 * visited in a pseudo-random order so that the numbers include cache misses, as real traffic does.
 * The {@code shared} variants run two threads on one table, as two event loops do (run {@code -prof
 * gc} for bytes per operation).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class SessionTableBenchmark {
  private static final int SESSIONS = 100_000;
  private static final int MASK = (1 << 16) - 1;

  private SessionTable table;
  private long[] keys;
  private BackendId[] backendOfKey;
  private int next;

  @Setup(Level.Trial)
  public void fill() {
    filled();
  }

  private void filled() {
    BackendId[] backends = new BackendId[10];
    for (int i = 0; i < backends.length; i++) {
      backends[i] = BackendId.of("backend-" + i);
    }
    table = new SessionTable(SESSIONS, Duration.ofMinutes(30), Clock.systemUTC());
    keys = new long[MASK + 1];
    backendOfKey = new BackendId[MASK + 1];
    for (int i = 0; i < SESSIONS; i++) {
      long key = i * 0x9E3779B97F4A7C15L;
      table.touch(key, backends[i % backends.length]);
      if (i <= MASK) {
        keys[i] = key;
        backendOfKey[i] = backends[i % backends.length];
      }
    }
  }

  /** One table for all threads, each thread with its own walk through the keys. */
  @State(Scope.Benchmark)
  public static class Shared {
    final SessionTableBenchmark table = new SessionTableBenchmark();

    @Setup(Level.Trial)
    public void fill() {
      table.filled();
    }
  }

  /** A thread's position in the shared table's keys. */
  @State(Scope.Thread)
  public static class Cursor {
    int next = (int) Thread.currentThread().getId() * 7919;
  }

  @Benchmark
  @Threads(2)
  public void touchExistingKeyShared(Shared s, Cursor c) {
    int i = c.next = (c.next + 40_503) & MASK;
    s.table.table.touch(s.table.keys[i], s.table.backendOfKey[i]);
  }

  @Benchmark
  @Threads(2)
  public BackendId pinnedExistingKeyShared(Shared s, Cursor c) {
    int i = c.next = (c.next + 40_503) & MASK;
    return s.table.table.pinned(s.table.keys[i]);
  }

  @Benchmark
  public void touchExistingKey() {
    int i = next = (next + 40_503) & MASK;
    table.touch(keys[i], backendOfKey[i]);
  }

  @Benchmark
  public BackendId pinnedExistingKey() {
    int i = next = (next + 40_503) & MASK;
    return table.pinned(keys[i]);
  }
}
