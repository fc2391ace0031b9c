package io.stickypool.core.session;

/**
 * The open-addressing index of a {@link SessionShard}: cells hold {@code slot + 1} (0 marks an
 * empty cell), linear probing, a load factor of at most one half, deletion by shifting back (no
 * tombstones, so lookups never slow down with churn). Static functions over the shard's arrays;
 * the shard decides when they run (writes under its write lock, {@link #find} also without it).
 */
final class SlotIndex {
  static final int NONE = -1;

  private SlotIndex() {}

  /**
   * The slot of {@code key}, or NONE. Safe without the lock: it reads the arrays it is given,
   * probes at most the whole index, and answers NONE for a slot outside {@code keys}.
   */
  static int find(int[] index, long[] keys, long key, int hash) {
    int mask = index.length - 1;
    for (int i = hash & mask, probes = 0; probes <= mask; i = (i + 1) & mask, probes++) {
      int slot = index[i] - 1;
      if (slot == NONE || slot >= keys.length) {
        return NONE;
      }
      if (keys[slot] == key) {
        return slot;
      }
    }
    return NONE;
  }

  /** The power of two at least twice {@code slots}: load factor at most 1/2. */
  static int lengthFor(int slots) {
    return Integer.highestOneBit(Math.max(1, slots * 2 - 1)) << 1;
  }

  static void place(int[] index, int slot, int hash) {
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
  static void delete(int[] index, long[] keys, int slot) {
    int mask = index.length - 1;
    int gap = (int) SessionShard.hash(keys[slot]) & mask;
    while (index[gap] != slot + 1) {
      gap = (gap + 1) & mask;
    }
    for (int i = (gap + 1) & mask; index[i] != 0; i = (i + 1) & mask) {
      int home = (int) SessionShard.hash(keys[index[i] - 1]) & mask;
      if (((i - home) & mask) >= ((i - gap) & mask)) {
        index[gap] = index[i];
        gap = i;
      }
    }
    index[gap] = 0;
  }
}
