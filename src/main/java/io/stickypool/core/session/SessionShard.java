package io.stickypool.core.session;

import io.stickypool.core.backend.BackendId;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.StampedLock;

/**
 * One lock stripe of the {@link SessionTable}: at most {@code capacity} entries in parallel arrays
 * (structure of arrays, so an entry costs about 53 bytes and no object), found through an
 * open-addressing index and kept on an intrusive doubly linked list for eviction.
 *
 * <p>The request path takes no lock. Touching a session already pinned to the same backend, and
 * looking one up, read the index under a {@link StampedLock} optimistic stamp; a touch then swaps
 * the slot's word by CAS. The word packs a generation (21 bits), a referenced bit and the time last
 * seen (42 bits, millis from {@code base}). Every change of a slot made under the write lock (a new
 * backend, removal, reuse, a cleared referenced bit) goes through CAS too and bumps the generation
 * where the entry changes, so a touch's CAS succeeds only on the entry it found, and a sweep never
 * drops an entry a touch has just refreshed. A second validation after the CAS catches arrays
 * replaced by growth; anything unusual falls back to the write lock.
 *
 * <p>Eviction is second-chance FIFO (CLOCK): new pins and moves go to the head; a touch only sets
 * the referenced bit; a full shard evicts from the tail, moving referenced entries back to the
 * head once with the bit cleared. Idle expiry scans every slot, so it is exact whatever the list
 * order.
 *
 * <p>Invariants, under the write lock: every live slot is in the index exactly once and in the list
 * exactly once; {@code backendOf[slot]} is null exactly for free slots; each live slot is counted
 * once in its backend's counter ({@link SlotIndex} describes the index). Arrays start small and
 * double up to the capacity. {@code pinnedAt[slot]} is when the
 * slot's backend was last set; {@code movedFrom[slot]} is non-null exactly when that pin was a
 * re-pin made here, with {@code movedWhy[slot]} its reason.
 */
final class SessionShard {
  private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(long[].class);
  private static final int NONE = SlotIndex.NONE;
  private static final int INITIAL_SLOTS = 16;
  private static final int TIME_BITS = 42;
  private static final long TIME_MASK = (1L << TIME_BITS) - 1;
  private static final long REFERENCED = 1L << TIME_BITS;
  private static final long ONE_GENERATION = REFERENCED << 1;

  private final StampedLock lock = new StampedLock();
  private final int capacity;
  private final BackendCounters counters;
  private final long base;
  private long[] keys;
  private long[] words;
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

  /** {@code now} sets the range of times a word can hold: about 69 years either side. */
  SessionShard(int capacity, BackendCounters counters, long now) {
    this.capacity = capacity;
    this.counters = counters;
    this.base = now - (1L << TIME_BITS - 1);
    allocateArrays(Math.min(capacity, INITIAL_SLOTS));
  }

  /** Spreads the key's bits: keys may be sequential, and shard and cell come from its bits. */
  static long hash(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return h ^ (h >>> 29) ^ (h >>> 47);
  }

  /** Pins {@code key} to {@code backend}; a change of backend is a new pin, not a re-pin made here. */
  void touch(long key, int hash, BackendId backend, long now) {
    if (touchWithoutLock(key, hash, backend, now)) {
      return;
    }
    long stamp = lock.writeLock();
    try {
      pin(key, hash, backend, now);
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /** The common touch: the key is here on the same backend. False when the lock is needed. */
  private boolean touchWithoutLock(long key, int hash, BackendId backend, long now) {
    long stamp = lock.tryOptimisticRead();
    long[] w = words;
    BackendCounter[] owners = backendOf;
    int slot = SlotIndex.find(index, keys, key, hash);
    if (slot == NONE || slot >= w.length || slot >= owners.length) {
      return false;
    }
    long word = (long) WORD.getVolatile(w, slot);
    BackendCounter owner = owners[slot];
    if (!lock.validate(stamp) || owner == null || !owner.id.equals(backend)) {
      return false;
    }
    if (!WORD.compareAndSet(w, slot, word, seen(word, now) | REFERENCED) || !lock.validate(stamp)) {
      return false;
    }
    owner.seenAt(now);
    return true;
  }

  /** Pins {@code key} to {@code backend} as a re-pin made here, away from {@code from}. */
  void repin(long key, int hash, BackendId backend, long now, BackendId from, RepinReason why) {
    long stamp = lock.writeLock();
    try {
      int slot = pin(key, hash, backend, now);
      pinnedAt[slot] = now;
      movedFrom[slot] = from;
      movedWhy[slot] = why;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /**
   * Finds or inserts the slot, points it at {@code backend} and marks it seen; returns it. A new
   * pin (new entry or other backend) takes the time {@code now}, goes to the head of the list and
   * is not a re-pin made here; a touch on the same backend only sets the referenced bit.
   */
  private int pin(long key, int hash, BackendId backend, long now) {
    int slot = SlotIndex.find(index, keys, key, hash);
    if (slot == NONE) {
      slot = insert(key, hash, backend);
      newPin(slot, now);
    } else if (!backendOf[slot].id.equals(backend)) {
      BackendCounter to = counters.acquire(backend);
      counters.release(backendOf[slot]);
      backendOf[slot] = to;
      newPin(slot, now);
      unlink(slot);
      linkFirst(slot);
    } else {
      update(slot, 0, REFERENCED, now);
    }
    backendOf[slot].seenAt(now);
    return slot;
  }

  private void newPin(int slot, long now) {
    update(slot, ONE_GENERATION, 0, now);
    pinnedAt[slot] = now;
    movedFrom[slot] = null;
    movedWhy[slot] = null;
  }

  BackendId pinned(long key, int hash, long now, long idleMillis) {
    long stamp = lock.tryOptimisticRead();
    BackendId found = pinnedIn(key, hash, now, idleMillis);
    if (lock.validate(stamp)) {
      return found;
    }
    stamp = lock.readLock();
    try {
      return pinnedIn(key, hash, now, idleMillis);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** The lookup itself, safe on arrays that a writer may be changing (the caller validates). */
  private BackendId pinnedIn(long key, int hash, long now, long idleMillis) {
    long[] w = words;
    BackendCounter[] owners = backendOf;
    int slot = SlotIndex.find(index, keys, key, hash);
    if (slot == NONE || slot >= w.length || slot >= owners.length) {
      return null;
    }
    BackendCounter owner = owners[slot];
    if (owner == null || idle((long) WORD.getVolatile(w, slot), now, idleMillis)) {
      return null;
    }
    return owner.id;
  }

  boolean remove(long key, int hash) {
    long stamp = lock.writeLock();
    try {
      int slot = SlotIndex.find(index, keys, key, hash);
      if (slot == NONE) {
        return false;
      }
      removeSlot(slot);
      return true;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /** Drops entries idle at {@code now}; a touch that wins the race for a slot keeps it. */
  int expireIdle(long now, long idleMillis) {
    long stamp = lock.writeLock();
    try {
      int removed = 0;
      for (int slot = 0; slot < used; slot++) {
        long word = (long) WORD.getVolatile(words, slot);
        if (backendOf[slot] != null && idle(word, now, idleMillis)
            && WORD.compareAndSet(words, slot, word, word + ONE_GENERATION)) {
          removeSlot(slot);
          removed++;
        }
      }
      return removed;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  int removeBackend(BackendId backend) {
    long stamp = lock.writeLock();
    try {
      int removed = 0;
      for (int slot = 0; slot < used; slot++) {
        if (backendOf[slot] != null && backendOf[slot].id.equals(backend)) {
          removeSlot(slot);
          removed++;
        }
      }
      return removed;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /**
   * Keys pinned to {@code backend} and not idle at {@code now}, each followed by its pin time:
   * {@code [key0, pinnedAt0, key1, pinnedAt1, ...]}; copied so no lock leaks out.
   */
  long[] pinsOf(BackendId backend, long now, long idleMillis) {
    long stamp = lock.readLock();
    try {
      long[] found = new long[2 * size];
      int n = 0;
      for (int slot = 0; slot < used; slot++) {
        BackendCounter c = backendOf[slot];
        if (c != null && c.id.equals(backend) && !idle((long) WORD.getVolatile(words, slot), now, idleMillis)) {
          found[n++] = keys[slot];
          found[n++] = pinnedAt[slot];
        }
      }
      return Arrays.copyOf(found, n);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** The live entries whose pin is a re-pin made here. */
  void repins(long now, long idleMillis, List<Repin> out) {
    long stamp = lock.readLock();
    try {
      for (int slot = 0; slot < used; slot++) {
        if (backendOf[slot] != null && movedFrom[slot] != null && !idle((long) WORD.getVolatile(words, slot), now, idleMillis)) {
          out.add(new Repin(keys[slot], backendOf[slot].id, movedFrom[slot], movedWhy[slot], pinnedAt[slot]));
        }
      }
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** Takes the write lock: the table holds every shard's to bind a placement index atomically. */
  long lockWrites() {
    return lock.writeLock();
  }

  void unlockWrites(long stamp) {
    lock.unlockWrite(stamp);
  }

  int size() {
    long stamp = lock.readLock();
    try {
      return size;
    } finally {
      lock.unlockRead(stamp);
    }
  }

  long evictions() {
    long stamp = lock.readLock();
    try {
      return evictions;
    } finally {
      lock.unlockRead(stamp);
    }
  }

  private boolean idle(long word, long now, long idleMillis) {
    return now - (base + (word & TIME_MASK)) >= idleMillis;
  }

  /** The word with its time set to {@code now} (clamped to the range the word can hold). */
  private long seen(long word, long now) {
    long t = Math.min(Math.max(now - base, 0), TIME_MASK);
    return (word & ~TIME_MASK) | t;
  }

  /**
   * Under the write lock: sets the slot's time to {@code now}, adds {@code generations} and sets the
   * referenced bit to {@code referenced}, retrying while lock-free touches change the word.
   */
  private void update(int slot, long generations, long referenced, long now) {
    long word;
    long updated;
    do {
      word = (long) WORD.getVolatile(words, slot);
      updated = (seen(word, now) + generations) & ~REFERENCED | referenced;
    } while (!WORD.compareAndSet(words, slot, word, updated));
  }

  private int insert(long key, int hash, BackendId backend) {
    if (size == capacity) {
      evictOne();
    }
    int slot = allocateSlot();
    keys[slot] = key;
    backendOf[slot] = counters.acquire(backend);
    SlotIndex.place(index, slot, hash);
    linkFirst(slot);
    size++;
    return slot;
  }

  /**
   * Second chance: referenced entries at the tail go back to the head once, bit cleared. Alone,
   * that ends within {@code size} moves; touches racing it are given up on after twice that.
   */
  private void evictOne() {
    for (int moves = 0; moves < 2 * size; moves++) {
      long word = (long) WORD.getVolatile(words, tail);
      if ((word & REFERENCED) == 0) {
        break;
      }
      if (WORD.compareAndSet(words, tail, word, word & ~REFERENCED)) {
        int slot = tail;
        unlink(slot);
        linkFirst(slot);
      }
    }
    removeSlot(tail);
    evictions++;
  }

  private void removeSlot(int slot) {
    long word;
    do {
      word = (long) WORD.getVolatile(words, slot);
    } while (!WORD.compareAndSet(words, slot, word, (word + ONE_GENERATION) & ~REFERENCED));
    SlotIndex.delete(index, keys, slot);
    unlink(slot);
    counters.release(backendOf[slot]);
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

  /** Copies into longer arrays; a lock-free touch that wrote the old ones fails its validation. */
  private void grow() {
    int length = Math.min(capacity, keys.length * 2);
    keys = Arrays.copyOf(keys, length);
    words = Arrays.copyOf(words, length);
    pinnedAt = Arrays.copyOf(pinnedAt, length);
    backendOf = Arrays.copyOf(backendOf, length);
    movedFrom = Arrays.copyOf(movedFrom, length);
    movedWhy = Arrays.copyOf(movedWhy, length);
    prev = Arrays.copyOf(prev, length);
    next = Arrays.copyOf(next, length);
    index = new int[SlotIndex.lengthFor(length)];
    for (int slot = 0; slot < used; slot++) {
      if (backendOf[slot] != null) {
        SlotIndex.place(index, slot, (int) hash(keys[slot]));
      }
    }
  }

  private void allocateArrays(int length) {
    keys = new long[length];
    words = new long[length];
    pinnedAt = new long[length];
    backendOf = new BackendCounter[length];
    movedFrom = new BackendId[length];
    movedWhy = new RepinReason[length];
    prev = new int[length];
    next = new int[length];
    index = new int[SlotIndex.lengthFor(length)];
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
