package io.stickypool.core.session;

import io.stickypool.core.backend.BackendId;
import io.stickypool.core.placement.IndexedLoad;
import io.stickypool.core.placement.LoadIndex;
import io.stickypool.core.placement.NewSessionPlacer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.function.LongConsumer;

/**
 * The proxy's table of live sessions: which backend each session key is pinned to, when it was last
 * seen, and how many sessions each backend holds. Placement reads the counts ({@link SessionLoad}),
 * drain and status read them per backend, and key-based modes (header, client IP, app cookie) read
 * the pins. A session key is 64 bits: the cookie's session id, or the hash of the key.
 *
 * <p>Bounded: at most {@code maxSessions} entries. The table is split into shards by key bits, each
 * with its own share of the capacity and its own eviction list, so a full table evicts an entry
 * <em>of the key's shard</em>, chosen by second chance (CLOCK, see {@link SessionShard}): the
 * oldest pin not touched since it was last passed over, an approximation of LRU. Because
 * keys never spread perfectly evenly, a busy shard may evict while others still have room (with
 * random keys and 64 shards, about 0.02% of {@code maxSessions} stays unused). Evicted sessions
 * are simply placed again on their next request.
 *
 * <p>Idle expiry: an entry not touched for {@code idleTimeout} (by the injected clock) is never
 * returned by {@link #pinned} or {@link #forEachSession}, and is dropped by {@link #expireIdle()},
 * which the proxy calls periodically (it scans every entry). Counts, {@link #size()} and eviction
 * include idle entries until that sweep removes them, so counts lag by at most one sweep period.
 *
 * <p>Invariant: each backend's count equals the number of entries pinned to it, at every moment
 * no shard write lock is held (counts change only under it, together with the entry). The
 * placement index of the newest {@link NewSessionPlacer} ({@link #indexFor}) gets every change.
 *
 * <p>Threading: thread-safe. Touching a session on the backend it is pinned to, and looking one
 * up, take no lock (see {@link SessionShard}) and do not box keys; new pins, moves and removals
 * take one shard's write lock (a {@link java.util.concurrent.locks.StampedLock}, not a monitor);
 * count reads are lock-free and O(1). Methods that walk the table ({@link #removeBackend}, {@link
 * #forEachSession}, {@link #expireIdle}) lock one shard at a time.
 */
public final class SessionTable implements IndexedLoad {
  private static final int MAX_DEFAULT_SHARDS = 64;
  private static final int MIN_ENTRIES_PER_DEFAULT_SHARD = 256;

  private final Clock clock;
  private final long idleMillis;
  private final BackendCounters counters = new BackendCounters();
  private final SessionShard[] shards;
  private final int shardMask;

  /** A table with a shard count picked from the capacity (up to 64 shards). */
  public SessionTable(int maxSessions, Duration idleTimeout, Clock clock) {
    this(maxSessions, defaultShardCount(maxSessions), idleTimeout, clock);
  }

  /**
   * A table with {@code shardCount} shards (a power of two, at most {@code maxSessions}); use 1 for
   * exact LRU eviction at the cost of one lock.
   */
  public SessionTable(int maxSessions, int shardCount, Duration idleTimeout, Clock clock) {
    if (shardCount < 1 || Integer.bitCount(shardCount) != 1 || shardCount > maxSessions) {
      throw new IllegalArgumentException(
          "shardCount " + shardCount + " must be a power of two within 1.." + maxSessions);
    }
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (idleTimeout.toMillis() < 1) {
      throw new IllegalArgumentException("idleTimeout must be at least 1 ms, got " + idleTimeout);
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    this.idleMillis = idleTimeout.toMillis();
    this.shards = new SessionShard[shardCount];
    this.shardMask = shardCount - 1;
    for (int i = 0; i < shardCount; i++) {
      // Spread the remainder so the shard capacities add up to exactly maxSessions.
      int capacity = maxSessions / shardCount + (i < maxSessions % shardCount ? 1 : 0);
      shards[i] = new SessionShard(capacity, counters, clock.millis());
    }
  }

  static int defaultShardCount(int maxSessions) {
    int wanted = Math.max(1, maxSessions / MIN_ENTRIES_PER_DEFAULT_SHARD);
    return Math.min(MAX_DEFAULT_SHARDS, Integer.highestOneBit(wanted));
  }

  /** Pins {@code key} to {@code backend} (moving it if pinned elsewhere) and marks it seen now. */
  public void touch(long key, BackendId backend) {
    Objects.requireNonNull(backend, "backend");
    long h = SessionShard.hash(key);
    shardOf(h).touch(key, (int) h, backend, clock.millis());
  }

  /** The backend {@code key} is pinned to, or null if it has none or has been idle too long. */
  public BackendId pinned(long key) {
    long h = SessionShard.hash(key);
    return shardOf(h).pinned(key, (int) h, clock.millis(), idleMillis);
  }

  /**
   * Pins {@code key} to {@code backend} as a re-pin away from {@code from} (its backend left or
   * failed), and marks it seen now. {@link #repins()} lists it while it keeps this pin.
   */
  public void repin(long key, BackendId backend, BackendId from, RepinReason reason) {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(reason, "reason");
    long h = SessionShard.hash(key);
    shardOf(h).repin(key, (int) h, backend, clock.millis(), from, reason);
  }

  /** Forgets {@code key}; true if it was in the table. */
  public boolean remove(long key) {
    long h = SessionShard.hash(key);
    return shardOf(h).remove(key, (int) h);
  }

  /** Drops every session pinned to {@code backend} (it was removed) and returns how many. */
  public int removeBackend(BackendId backend) {
    Objects.requireNonNull(backend, "backend");
    int removed = 0;
    for (SessionShard shard : shards) {
      removed += shard.removeBackend(backend);
    }
    counters.pruneEmpty();
    return removed;
  }

  /** Drops entries idle at the clock's current time and returns how many. */
  public int expireIdle() {
    long now = clock.millis();
    int removed = 0;
    for (SessionShard shard : shards) {
      removed += shard.expireIdle(now, idleMillis);
    }
    counters.pruneEmpty();
    return removed;
  }

  /**
   * Gives {@code action} the key of every non-idle session pinned to {@code backend}, for example
   * to feed a mergeable distinct-count sketch. Walks the whole table: not for the request path.
   * Keys are copied out one shard at a time, so {@code action} runs with no lock held and sees a
   * per-shard (not table-wide) consistent view.
   */
  public void forEachSession(BackendId backend, LongConsumer action) {
    Objects.requireNonNull(backend, "backend");
    forEachPin(backend, (key, pinnedAt) -> action.accept(key));
  }

  /** Receives a session key and when it was pinned to its backend (epoch millis). */
  @FunctionalInterface
  public interface PinVisitor {
    void accept(long key, long pinnedAtMillis);
  }

  /**
   * As {@link #forEachSession}, with when each session was pinned to {@code backend}: the time
   * its entry here last changed backend (or was created), so that of two tables disagreeing on a
   * session's backend the later pin is the current one.
   */
  public void forEachPin(BackendId backend, PinVisitor action) {
    Objects.requireNonNull(backend, "backend");
    long now = clock.millis();
    for (SessionShard shard : shards) {
      long[] pins = shard.pinsOf(backend, now, idleMillis);
      for (int i = 0; i < pins.length; i += 2) {
        action.accept(pins[i], pins[i + 1]);
      }
    }
  }

  /**
   * The non-idle sessions whose current pin is a re-pin made by this table's proxy, so the
   * operator can count exactly how many sessions each departed backend lost, and to where. Walks
   * the whole table: not for the request path.
   */
  public List<Repin> repins() {
    long now = clock.millis();
    List<Repin> out = new ArrayList<>();
    for (SessionShard shard : shards) {
      shard.repins(now, idleMillis, out);
    }
    return out;
  }

  @Override
  public int liveSessions(BackendId id) {
    return counters.count(id);
  }

  /**
   * The placement index of {@code placer}'s candidates, built from the counts on the first call
   * while every shard's write lock is held, then kept current by every count change. One index
   * at a time: a newer placer takes over, an older one gets null (and scans).
   */
  @Override
  public LoadIndex indexFor(NewSessionPlacer placer) {
    LoadIndex current = counters.index();
    if (current != null && current.placer() == placer) {
      return current;
    }
    if (current != null && current.placer().newerThan(placer)) {
      return null;
    }
    long[] stamps = new long[shards.length];
    for (int i = 0; i < shards.length; i++) {
      stamps[i] = shards[i].lockWrites();
    }
    try {
      current = counters.index();
      if (current != null && (current.placer() == placer || current.placer().newerThan(placer))) {
        return current.placer() == placer ? current : null;
      }
      LoadIndex index = placer.newIndex(counters::count);
      counters.useIndex(index);
      return index;
    } finally {
      for (int i = shards.length - 1; i >= 0; i--) {
        shards[i].unlockWrites(stamps[i]);
      }
    }
  }

  /** Nonzero session counts by backend, sorted by id; a moment's view, unmodifiable. */
  public SortedMap<BackendId, Integer> countsByBackend() {
    return counters.nonZero();
  }

  /**
   * When a session pinned to {@code backend} was last touched, or null if it has none. Drain uses
   * it to end early once every remaining session has gone quiet. Kept while the backend has
   * entries (idle ones included), forgotten once its count reaches zero and a sweep runs.
   */
  public Instant lastActivity(BackendId backend) {
    long millis = counters.lastSeenMillis(backend);
    return millis == Long.MIN_VALUE ? null : Instant.ofEpochMilli(millis);
  }

  /** Entries held, idle ones not yet swept included. Locks each shard in turn. */
  public int size() {
    int total = 0;
    for (SessionShard shard : shards) {
      total += shard.size();
    }
    return total;
  }

  /** Entries evicted so far to make room (a full table), for metrics. */
  public long evictions() {
    long total = 0;
    for (SessionShard shard : shards) {
      total += shard.evictions();
    }
    return total;
  }

  private SessionShard shardOf(long hash) {
    return shards[(int) (hash >>> 32) & shardMask];
  }
}
