package io.stickypool.core.session;

import io.stickypool.core.backend.BackendId;
import java.util.Arrays;
import java.util.List;

/**
 * One lock stripe of the {@link SessionTable}: at most {@code capacity} entries in parallel arrays
 * (structure of arrays, so an entry costs about 53 bytes and no object), found through an
 * open-addressing index and ordered by an intrusive doubly linked list from most to least recently
 * touched.
 *
 * <p>Invariants, all under this object's monitor: every live slot is in the index exactly once and
 * in the recency list exactly once; {@code backendOf[slot]} is null exactly for free slots; each
 * live slot is counted once in its backend's {@link BackendCounter}. The index holds {@code slot +
 * 1} (0 marks an empty cell), uses linear probing with a load factor of at most one half, and
 * deletes by shifting back (no tombstones, so lookups never slow down with churn). Arrays start
 * small and double up to the capacity, so an empty table costs little. {@code pinnedAt[slot]} is
 * when the slot's backend was last set (not merely touched again); {@code movedFrom[slot]} is
 * non-null exactly when that pin was a re-pin made here, with {@code movedWhy[slot]} its reason.
 *
 * <p>Threading: every method is synchronized; callers hold no other lock.
 */
final class SessionShard {
  private static final int NONE = -1;
  private static final int INITIAL_SLOTS = 16;

  private final int capacity;
  private final BackendCounters counters;
  private long[] keys;
  private long[] lastSeen;
  private long[] pinnedAt;
  private BackendCounter[] backendOf;
  private BackendId[] movedFrom;
  private RepinReason[] movedWhy;
  private int[] prev;
  private int[] next;
  private int[] index;
  private int head = NONE;
  private int tail = NONE;
  private int size;
  private int used;
  private int freeHead = NONE;
  private long evictions;

  SessionShard(int capacity, BackendCounters counters) {
    this.capacity = capacity;
    this.counters = counters;
    allocateArrays(Math.min(capacity, INITIAL_SLOTS));
  }

  /** Spreads the key's bits: keys may be sequential, and shard and cell come from its bits. */
  static long hash(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return h ^ (h >>> 29) ^ (h >>> 47);
  }

  /** Pins {@code key} to {@code backend}; a change of backend is a new pin, not a re-pin made here. */
  synchronized void touch(long key, int hash, BackendId backend, long now) {
    pin(key, hash, backend, now);
  }

  /** Pins {@code key} to {@code backend} as a re-pin made here, away from {@code from}. */
  synchronized void repin(long key, int hash, BackendId backend, long now, BackendId from, RepinReason why) {
    int slot = pin(key, hash, backend, now);
    pinnedAt[slot] = now;
    movedFrom[slot] = from;
    movedWhy[slot] = why;
  }

  /**
   * Finds or inserts the slot, points it at {@code backend} and marks it seen; returns it. A new
   * pin (new entry or other backend) takes the time {@code now} and is not a re-pin made here.
   */
  private int pin(long key, int hash, BackendId backend, long now) {
    int slot = find(key, hash);
    if (slot == NONE) {
      slot = insert(key, hash, backend);
      newPin(slot, now);
    } else {
      if (!backendOf[slot].id.equals(backend)) {
        BackendCounter to = counters.acquire(backend);
        backendOf[slot].decrement();
        backendOf[slot] = to;
        newPin(slot, now);
      }
      unlink(slot);
    }
    lastSeen[slot] = now;
    linkFirst(slot);
    backendOf[slot].seenAt(now);
    return slot;
  }

  private void newPin(int slot, long now) {
    pinnedAt[slot] = now;
    movedFrom[slot] = null;
    movedWhy[slot] = null;
  }

  synchronized BackendId pinned(long key, int hash, long now, long idleMillis) {
    int slot = find(key, hash);
    if (slot == NONE || now - lastSeen[slot] >= idleMillis) {
      return null;
    }
    return backendOf[slot].id;
  }

  synchronized boolean remove(long key, int hash) {
    int slot = find(key, hash);
    if (slot == NONE) {
      return false;
    }
    removeSlot(slot);
    return true;
  }

  /** Drops entries idle at {@code now}, walking from the least recently touched end. */
  synchronized int expireIdle(long now, long idleMillis) {
    int removed = 0;
    while (tail != NONE && now - lastSeen[tail] >= idleMillis) {
      removeSlot(tail);
      removed++;
    }
    return removed;
  }

  synchronized int removeBackend(BackendId backend) {
    int removed = 0;
    for (int slot = 0; slot < used; slot++) {
      if (backendOf[slot] != null && backendOf[slot].id.equals(backend)) {
        removeSlot(slot);
        removed++;
      }
    }
    return removed;
  }

  /**
   * Keys pinned to {@code backend} and not idle at {@code now}, each followed by its pin time:
   * {@code [key0, pinnedAt0, key1, pinnedAt1, ...]}; copied so no lock leaks out.
   */
  synchronized long[] pinsOf(BackendId backend, long now, long idleMillis) {
    long[] found = new long[2 * size];
    int n = 0;
    for (int slot = 0; slot < used; slot++) {
      BackendCounter c = backendOf[slot];
      if (c != null && c.id.equals(backend) && now - lastSeen[slot] < idleMillis) {
        found[n++] = keys[slot];
        found[n++] = pinnedAt[slot];
      }
    }
    return Arrays.copyOf(found, n);
  }

  /** The live entries whose pin is a re-pin made here. */
  synchronized void repins(long now, long idleMillis, List<Repin> out) {
    for (int slot = 0; slot < used; slot++) {
      if (backendOf[slot] != null && movedFrom[slot] != null && now - lastSeen[slot] < idleMillis) {
        out.add(new Repin(keys[slot], backendOf[slot].id, movedFrom[slot], movedWhy[slot], pinnedAt[slot]));
      }
    }
  }

  synchronized int size() {
    return size;
  }

  synchronized long evictions() {
    return evictions;
  }

  private int find(long key, int hash) {
    int mask = index.length - 1;
    for (int i = hash & mask; ; i = (i + 1) & mask) {
      int slot = index[i] - 1;
      if (slot == NONE || keys[slot] == key) {
        return slot;
      }
    }
  }

  private int insert(long key, int hash, BackendId backend) {
    if (size == capacity) {
      removeSlot(tail);
      evictions++;
    }
    int slot = allocateSlot();
    keys[slot] = key;
    backendOf[slot] = counters.acquire(backend);
    placeInIndex(slot, hash);
    size++;
    return slot;
  }

  private void removeSlot(int slot) {
    deleteFromIndex(slot);
    unlink(slot);
    backendOf[slot].decrement();
    backendOf[slot] = null;
    movedFrom[slot] = null;
    movedWhy[slot] = null;
    next[slot] = freeHead;
    freeHead = slot;
    size--;
  }

  private int allocateSlot() {
    if (freeHead != NONE) {
      int slot = freeHead;
      freeHead = next[slot];
      return slot;
    }
    if (used == keys.length) {
      grow();
    }
    return used++;
  }

  private void grow() {
    int length = Math.min(capacity, keys.length * 2);
    keys = Arrays.copyOf(keys, length);
    lastSeen = Arrays.copyOf(lastSeen, length);
    pinnedAt = Arrays.copyOf(pinnedAt, length);
    backendOf = Arrays.copyOf(backendOf, length);
    movedFrom = Arrays.copyOf(movedFrom, length);
    movedWhy = Arrays.copyOf(movedWhy, length);
    prev = Arrays.copyOf(prev, length);
    next = Arrays.copyOf(next, length);
    index = new int[indexLength(length)];
    for (int slot = 0; slot < used; slot++) {
      if (backendOf[slot] != null) {
        placeInIndex(slot, (int) hash(keys[slot]));
      }
    }
  }

  private void allocateArrays(int length) {
    keys = new long[length];
    lastSeen = new long[length];
    pinnedAt = new long[length];
    backendOf = new BackendCounter[length];
    movedFrom = new BackendId[length];
    movedWhy = new RepinReason[length];
    prev = new int[length];
    next = new int[length];
    index = new int[indexLength(length)];
  }

  /** The power of two at least twice {@code slots}: load factor at most 1/2. */
  private static int indexLength(int slots) {
    return Integer.highestOneBit(Math.max(1, slots * 2 - 1)) << 1;
  }

  private void placeInIndex(int slot, int hash) {
    int mask = index.length - 1;
    int i = hash & mask;
    while (index[i] != 0) {
      i = (i + 1) & mask;
    }
    index[i] = slot + 1;
  }

  /**
   * Empties the slot's cell, then shifts later cells of the same probe run back into the gap when
   * their home cell does not lie cyclically between the gap and them (Knuth's algorithm R).
   */
  private void deleteFromIndex(int slot) {
    int mask = index.length - 1;
    int gap = (int) hash(keys[slot]) & mask;
    while (index[gap] != slot + 1) {
      gap = (gap + 1) & mask;
    }
    for (int i = (gap + 1) & mask; index[i] != 0; i = (i + 1) & mask) {
      int home = (int) hash(keys[index[i] - 1]) & mask;
      if (((i - home) & mask) >= ((i - gap) & mask)) {
        index[gap] = index[i];
        gap = i;
      }
    }
    index[gap] = 0;
  }

  private void unlink(int slot) {
    int p = prev[slot];
    int n = next[slot];
    if (p == NONE) {
      head = n;
    } else {
      next[p] = n;
    }
    if (n == NONE) {
      tail = p;
    } else {
      prev[n] = p;
    }
  }

  private void linkFirst(int slot) {
    prev[slot] = NONE;
    next[slot] = head;
    if (head == NONE) {
      tail = slot;
    } else {
      prev[head] = slot;
    }
    head = slot;
  }
}
