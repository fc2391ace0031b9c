package io.stickypool.core.placement;

/**
 * The bounded-load rule both placers share (Mirrokni, Thorup and Zadimoghaddam, "Consistent Hashing
 * with Bounded Loads", 2018), with weights: a backend may take one more session only if afterwards
 * it holds at most {@code ceil(factor * totalAfter * weight / totalWeight)}, where {@code
 * totalAfter} counts the sessions of every candidate plus the one being placed.
 *
 * <p>The ceiling matters: the capacities then add up to at least {@code totalAfter}, so with
 * consistent counts some candidate always has room, even at factor 1.0.
 *
 * <p>Stateless; the arithmetic is plain double in a fixed order, so every JVM agrees on it.
 */
final class LoadBound {
  private LoadBound() {}

  static boolean admits(long load, int weight, long totalAfter, long totalWeight, double factor) {
    return load + 1 <= Math.ceil(factor * totalAfter * weight / totalWeight);
  }
}
