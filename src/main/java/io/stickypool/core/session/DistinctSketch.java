package io.stickypool.core.session;

import java.util.Arrays;
import java.util.Objects;

/**
 * A mergeable count of distinct session keys, so that the operator can add up what several proxy
 * replicas report without counting twice a session that two of them saw (a union, not a sum).
 *
 * <p>Two forms. Up to {@link #EXACT_LIMIT} keys the sketch holds the keys themselves and counts
 * exactly, which is the common case for a draining backend near the end of its drain, where the
 * count decides when the drain completes. Beyond that it switches to a HyperLogLog with 2^{@value
 * #PRECISION} one-byte registers (4 KiB, standard error 1.04 / sqrt(4096) = 1.6%), whose union is
 * the register-wise maximum. A merge of an exact and an HLL sketch is an HLL sketch.
 *
 * <p>Keys are stored and exported only as {@link #mix}ed values: the export never carries a raw
 * session id, and HyperLogLog needs well-spread bits even when keys are not random.
 *
 * <p>Not thread-safe: build one per report on one thread, then read it.
 */
public final class DistinctSketch {
  public static final int PRECISION = 12;
  public static final int REGISTERS = 1 << PRECISION;
  public static final int EXACT_LIMIT = 1024;

  private long[] exact = new long[16];
  private int exactSize;
  private byte[] registers;

  /** Adds a raw session key. */
  public DistinctSketch add(long sessionKey) {
    return addMixed(mix(sessionKey));
  }

  /** Adds a key that is already {@link #mix}ed, as an exported exact sketch lists them. */
  public DistinctSketch addMixed(long mixed) {
    if (registers != null) {
      addToRegisters(mixed);
      return this;
    }
    if (containsExact(mixed)) {
      return this;
    }
    if (exactSize == EXACT_LIMIT) {
      toRegisters();
      addToRegisters(mixed);
      return this;
    }
    if (exactSize == exact.length) {
      exact = Arrays.copyOf(exact, Math.min(exact.length * 2, EXACT_LIMIT));
    }
    exact[exactSize++] = mixed;
    return this;
  }

  /** Adds everything {@code other} counted: afterwards this counts the union. */
  public DistinctSketch merge(DistinctSketch other) {
    if (other.registers == null) {
      for (int i = 0; i < other.exactSize; i++) {
        addMixed(other.exact[i]);
      }
      return this;
    }
    if (registers == null) {
      toRegisters();
    }
    for (int i = 0; i < REGISTERS; i++) {
      registers[i] = (byte) Math.max(registers[i], other.registers[i]);
    }
    return this;
  }

  /** A sketch in HLL form with these registers (a copy), as an exported HLL sketch holds them. */
  public static DistinctSketch ofRegisters(byte[] registers) {
    Objects.requireNonNull(registers, "registers");
    if (registers.length != REGISTERS) {
      throw new IllegalArgumentException(
          "an HLL sketch has " + REGISTERS + " registers, not " + registers.length);
    }
    for (byte r : registers) {
      if (r < 0 || r > 64 - PRECISION + 1) {
        throw new IllegalArgumentException("register value " + r + " is out of range");
      }
    }
    DistinctSketch sketch = new DistinctSketch();
    sketch.registers = registers.clone();
    return sketch;
  }

  public boolean isExact() {
    return registers == null;
  }

  /** The mixed keys, sorted; only for an exact sketch. */
  public long[] exactKeys() {
    if (!isExact()) {
      throw new IllegalStateException("an HLL sketch holds no keys");
    }
    long[] keys = Arrays.copyOf(exact, exactSize);
    Arrays.sort(keys);
    return keys;
  }

  /** A copy of the registers; only for an HLL sketch. */
  public byte[] registers() {
    if (isExact()) {
      throw new IllegalStateException("an exact sketch has no registers");
    }
    return registers.clone();
  }

  /** The number of distinct keys: exact in exact form, otherwise the HyperLogLog estimate. */
  public long estimate() {
    if (isExact()) {
      return exactSize;
    }
    double sum = 0;
    int zeros = 0;
    for (byte r : registers) {
      sum += 1.0 / (1L << r);
      if (r == 0) {
        zeros++;
      }
    }
    double m = REGISTERS;
    double raw = (0.7213 / (1 + 1.079 / m)) * m * m / sum;
    // Small-range correction (linear counting), where the raw estimate is biased upwards.
    if (raw <= 2.5 * m && zeros > 0) {
      return Math.round(m * Math.log(m / zeros));
    }
    return Math.round(raw);
  }

  /** SplitMix64's finalizer: a bijection on 64 bits that spreads every input bit over the output. */
  public static long mix(long key) {
    long z = key;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private boolean containsExact(long mixed) {
    for (int i = 0; i < exactSize; i++) {
      if (exact[i] == mixed) {
        return true;
      }
    }
    return false;
  }

  private void toRegisters() {
    registers = new byte[REGISTERS];
    for (int i = 0; i < exactSize; i++) {
      addToRegisters(exact[i]);
    }
    exact = null;
    exactSize = 0;
  }

  /** Top PRECISION bits pick the register; the rank is 1 + leading zeros of the rest. */
  private void addToRegisters(long mixed) {
    int index = (int) (mixed >>> (64 - PRECISION));
    long rest = mixed << PRECISION;
    int rank = rest == 0 ? 64 - PRECISION + 1 : Long.numberOfLeadingZeros(rest) + 1;
    if (rank > registers[index]) {
      registers[index] = (byte) rank;
    }
  }
}
