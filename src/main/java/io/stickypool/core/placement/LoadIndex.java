package io.stickypool.core.placement;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live session counts of one {@link NewSessionPlacer}'s candidates, kept current by the session
 * table ({@link #add}) and indexed so that a new session is placed in O(D + log N) instead of
 * reading every count (D = distinct weights, usually 1).
 *
 * <p>Layout: candidates come sorted by (weight, id), so each weight is a contiguous class. Each
 * class has a tournament tree (an implicit binary tree in a {@code long[]}, root at 1, leaf {@code
 * i} at {@code size + i}) whose node holds the candidate of least count in its subtree and how many
 * of the subtree's candidates share that count. Within a class the bound ({@link LoadBound})
 * admits the least-loaded member if it admits any, so the rules of {@link NewSessionPlacer} need
 * only each class's root; the tied candidates are then counted off down one tree.
 *
 * <p>Threading: lock-free. {@link #add} may run on many threads at once (each under its own shard
 * lock, never a shared one): it adds to the count, then refreshes each ancestor by reading the
 * node, recomputing it from its children and swapping it in by CAS, a second time if the first
 * CAS lost (Jayanti's f-array refresh). A node word carries a version, so a CAS cannot succeed
 * across an A-B-A change. Whichever refresh wins, the last one at each node read the children after
 * the count changed, so once updates stop every node is exact. The walk stops early at a node the
 * change left as it was (see {@link #refresh}). {@link #place} reads while counts
 * move, as the linear scan did; it only ever returns a candidate.
 */
public final class LoadIndex {
  private static final VarHandle NODE = MethodHandles.arrayElementVarHandle(long[].class);
  private static final int BITS = 20;
  private static final int NONE = (1 << BITS) - 1;
  /** Most candidates an index holds: a candidate number and a tie count fit in 20 bits each. */
  static final int MAX_CANDIDATES = NONE;
  private static final long VALUE_MASK = (1L << 2 * BITS) - 1;
  private static final long EMPTY = NONE;
  private static final int LOST = 0;
  private static final int CHANGED = 1;
  private static final int UNCHANGED = 2;

  private final NewSessionPlacer placer;
  private final Backend[] candidates;
  private final Map<BackendId, Integer> numberOf;
  private final AtomicIntegerArray counts;
  private final AtomicLong total = new AtomicLong();
  private final int[] classStart;
  private final int[] classOf;
  private final long[][] trees;
  private final long totalWeight;
  private final double factor;

  LoadIndex(NewSessionPlacer placer, Backend[] candidates, long totalWeight, double factor,
      SessionLoad initial) {
    this.placer = placer;
    this.candidates = candidates;
    this.totalWeight = totalWeight;
    this.factor = factor;
    this.counts = new AtomicIntegerArray(candidates.length);
    this.numberOf = new HashMap<>(candidates.length * 2);
    long sum = 0;
    for (int i = 0; i < candidates.length; i++) {
      numberOf.put(candidates[i].id(), i);
      int n = initial.liveSessions(candidates[i].id());
      counts.set(i, n);
      sum += n;
    }
    total.set(sum);
    this.classStart = classStarts(candidates);
    this.trees = new long[classStart.length - 1][];
    this.classOf = new int[candidates.length];
    for (int c = 0; c < trees.length; c++) {
      trees[c] = build(classStart[c], classStart[c + 1]);
      Arrays.fill(classOf, classStart[c], classStart[c + 1], c);
    }
  }

  /** The placer whose candidates this index counts. */
  public NewSessionPlacer placer() {
    return placer;
  }

  /** Sessions on the candidates, all together. */
  public long total() {
    return total.get();
  }

  /** Applies a change of {@code delta} sessions on {@code id}; ignores non-candidates. */
  public void add(BackendId id, int delta) {
    Integer number = numberOf.get(id);
    if (number == null) {
      return;
    }
    int i = number;
    counts.getAndAdd(i, delta);
    total.getAndAdd(delta);
    int c = classOf[i];
    long[] tree = trees[c];
    int leaf = (tree.length >>> 1) + (i - classStart[c]);
    for (int node = leaf >>> 1; node >= 1; node >>>= 1) {
      int outcome = refresh(tree, node, i);
      if (outcome == LOST) {
        outcome = refresh(tree, node, i);
      }
      if (outcome == UNCHANGED) {
        return;
      }
    }
  }

  /** The backend for a new session by {@link NewSessionPlacer}'s rules, or null if none. */
  Backend place(long tieBreakHash) {
    long totalAfter = total.get() + 1;
    long admittedNum = 0;
    int admittedWeight = 0;
    long anyNum = 0;
    int anyWeight = 0;
    for (long[] tree : trees) {
      int best = best((long) NODE.getVolatile(tree, 1));
      if (best == NONE) {
        continue;
      }
      long load = counts.get(best);
      int weight = candidates[best].weight();
      if (lighter(load + 1, weight, anyNum, anyWeight)) {
        anyNum = load + 1;
        anyWeight = weight;
      }
      if (admits(load, weight, totalAfter) && lighter(load + 1, weight, admittedNum, admittedWeight)) {
        admittedNum = load + 1;
        admittedWeight = weight;
      }
    }
    if (admittedWeight != 0) {
      return pick(admittedNum, admittedWeight, true, totalAfter, tieBreakHash);
    }
    return anyWeight == 0 ? null : pick(anyNum, anyWeight, false, totalAfter, tieBreakHash);
  }

  /** The j-th (by the hash) of the candidates whose load after placing is num / weight. */
  private Backend pick(long num, int weight, boolean admittedOnly, long totalAfter, long hash) {
    int ties = 0;
    for (long[] tree : trees) {
      long root = (long) NODE.getVolatile(tree, 1);
      if (matches(best(root), num, weight, admittedOnly, totalAfter)) {
        ties += tie(root);
      }
    }
    int j = tieIndex(hash, ties);
    for (int c = 0; c < trees.length; c++) {
      long root = (long) NODE.getVolatile(trees[c], 1);
      int best = best(root);
      if (!matches(best, num, weight, admittedOnly, totalAfter)) {
        continue;
      }
      if (j < tie(root)) {
        return candidates[select(c, counts.get(best), j, best)];
      }
      j -= tie(root);
    }
    return fallback(num, weight, admittedOnly, totalAfter);
  }

  /**
   * Which of {@code ties} equals a hash picks: {@code floor(ties * unsigned(hash) / 2^64)}, so
   * every one is equally likely and the pick does not depend on the hash's low bits alone.
   */
  static int tieIndex(long hash, int ties) {
    return (int) (Math.multiplyHigh(hash, ties) + ((hash >> 63) & ties));
  }

  private boolean matches(int i, long num, int weight, boolean admittedOnly, long totalAfter) {
    if (i == NONE) {
      return false;
    }
    long load = counts.get(i);
    return (load + 1) * weight == num * candidates[i].weight()
        && (!admittedOnly || admits(load, candidates[i].weight(), totalAfter));
  }

  /** Counts moved between the passes: the first class root that still matches, else any root. */
  private Backend fallback(long num, int weight, boolean admittedOnly, long totalAfter) {
    int any = NONE;
    for (long[] tree : trees) {
      int best = best((long) NODE.getVolatile(tree, 1));
      if (matches(best, num, weight, admittedOnly, totalAfter)) {
        return candidates[best];
      }
      any = best == NONE ? any : best;
    }
    return candidates[any];
  }

  /** The j-th candidate of class c (in id order) whose count is {@code load}; {@code root} if gone. */
  private int select(int c, int load, int j, int root) {
    long[] tree = trees[c];
    int leaves = tree.length >>> 1;
    int node = 1;
    while (node < leaves) {
      long left = (long) NODE.getVolatile(tree, 2 * node);
      int b = best(left);
      if (b != NONE && counts.get(b) == load) {
        if (j < tie(left)) {
          node = 2 * node;
          continue;
        }
        j -= tie(left);
      }
      node = 2 * node + 1;
    }
    int i = best(tree[node]);
    return i != NONE && counts.get(i) == load ? i : root;
  }

  /**
   * Recomputes a node from its children after candidate {@code changed}'s count moved: LOST if
   * another thread changed the node meanwhile; UNCHANGED if it still names the same other
   * candidate with the same ties, so nothing above depends on the change (ancestors read only the
   * node and its best candidate's count) and the walk up may stop; else CHANGED.
   */
  private int refresh(long[] tree, int node, int changed) {
    long old = (long) NODE.getVolatile(tree, node);
    long fresh = combine((long) NODE.getVolatile(tree, 2 * node), (long) NODE.getVolatile(tree, 2 * node + 1));
    long version = (old >>> 2 * BITS) + 1;
    if (!NODE.compareAndSet(tree, node, old, version << 2 * BITS | fresh)) {
      return LOST;
    }
    return (old & VALUE_MASK) == fresh && best(fresh) != changed ? UNCHANGED : CHANGED;
  }

  private long combine(long left, long right) {
    int l = best(left);
    int r = best(right);
    if (r == NONE) {
      return left & VALUE_MASK;
    }
    if (l == NONE) {
      return right & VALUE_MASK;
    }
    int cl = counts.get(l);
    int cr = counts.get(r);
    if (cl != cr) {
      return (cl < cr ? left : right) & VALUE_MASK;
    }
    return pack(l, tie(left) + tie(right));
  }

  private long[] build(int from, int to) {
    int leaves = Integer.highestOneBit(Math.max(1, to - from - 1)) << 1;
    long[] tree = new long[2 * leaves];
    for (int i = 0; i < leaves; i++) {
      tree[leaves + i] = from + i < to ? pack(from + i, 1) : EMPTY;
    }
    for (int node = leaves - 1; node >= 1; node--) {
      tree[node] = combine(tree[2 * node], tree[2 * node + 1]);
    }
    return tree;
  }

  private static int[] classStarts(Backend[] sorted) {
    int classes = 0;
    for (int i = 0; i < sorted.length; i++) {
      classes += i == 0 || sorted[i].weight() != sorted[i - 1].weight() ? 1 : 0;
    }
    int[] starts = new int[classes + 1];
    for (int i = 0, c = 0; i < sorted.length; i++) {
      if (i == 0 || sorted[i].weight() != sorted[i - 1].weight()) {
        starts[c++] = i;
      }
    }
    starts[classes] = sorted.length;
    return starts;
  }

  private boolean admits(long load, int weight, long totalAfter) {
    return LoadBound.admits(load, weight, totalAfter, totalWeight, factor);
  }

  /** Whether num1 / w1 is below num2 / w2 (w2 == 0 means nothing yet). */
  static boolean lighter(long num1, int w1, long num2, int w2) {
    return w2 == 0 || num1 * w2 < num2 * w1;
  }

  private static long pack(int best, int tie) {
    return (long) tie << BITS | best;
  }

  private static int best(long node) {
    return (int) (node & NONE);
  }

  private static int tie(long node) {
    return (int) (node >>> BITS) & NONE;
  }
}
