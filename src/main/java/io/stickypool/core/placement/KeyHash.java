package io.stickypool.core.placement;

import java.util.Objects;

/**
 * The 64-bit hash every placement decision is made on. It is a cross-process contract: two proxy
 * replicas (and any future version of the proxy) must compute the same value for the same input,
 * so the algorithm is fixed here exactly and pinned by fixed-vector tests. Changing it re-routes
 * every key-based session and every ring point; treat a change like a wire-format change.
 *
 * <p>Algorithm:
 *
 * <ul>
 *   <li>Text: 64-bit FNV-1a over the UTF-16 code units of the text, one code unit per step ({@code
 *       h = 0xcbf29ce484222325; for each unit u: h = (h ^ u) * 0x100000001b3}), then the murmur3
 *       {@code fmix64} finalizer (below). For text whose code units are all below 0x80 (ASCII) the
 *       FNV-1a part equals the published FNV-1a of its bytes.
 *   <li>Bytes: the same, one unsigned byte per step; so bytes in ISO-8859-1 (one byte per char, any
 *       ASCII header value) hash equal to the text they encode, and the proxy may hash raw header
 *       bytes without decoding them.
 *   <li>{@link #hash(long)}: {@code fmix64(v + 0x9e3779b97f4a7c15)}; the offset keeps 0 from
 *       mapping to 0 ({@code fmix64(0) == 0}).
 *   <li>{@link #combine(long, long)}: {@code fmix64(a + 0x9e3779b97f4a7c15 * b)}.
 *   <li>{@code fmix64(k)}: {@code k ^= k >>> 33; k *= 0xff51afd7ed558ccd; k ^= k >>> 33; k *=
 *       0xc4ceb9fe1a85ec53; k ^= k >>> 33}. FNV-1a alone leaves the high bits weak for short keys,
 *       and the ring orders points by their high bits, so the finalizer is what makes it spread.
 * </ul>
 *
 * All arithmetic is on Java {@code long}, wrapping modulo 2^64. Not a cryptographic hash: a client
 * who can choose keys can choose keys that land on one backend (bounded loads limit the damage).
 *
 * <p>Stateless and thread-safe; no method allocates.
 */
public final class KeyHash {
  static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
  static final long FNV_PRIME = 0x100000001b3L;
  /** 2^64 divided by the golden ratio: an odd constant that spreads consecutive integers. */
  static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  private KeyHash() {}

  /** The hash of all of {@code text}. */
  public static long hash(CharSequence text) {
    return hash(text, 0, text.length());
  }

  /** The hash of {@code text[start, end)}, equal to the hash of that substring. */
  public static long hash(CharSequence text, int start, int end) {
    Objects.checkFromToIndex(start, end, text.length());
    return fmix64(fnv1a(text, start, end));
  }

  /** The hash of {@code bytes[offset, offset + length)}. */
  public static long hash(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    long h = FNV_OFFSET_BASIS;
    for (int i = offset, end = offset + length; i < end; i++) {
      h = (h ^ (bytes[i] & 0xff)) * FNV_PRIME;
    }
    return fmix64(h);
  }

  /** The hash of a number, such as a session id drawn at random or a client IPv4 address. */
  public static long hash(long value) {
    return fmix64(value + GOLDEN_GAMMA);
  }

  /**
   * A hash of the pair {@code (a, b)}, for inputs that are already well mixed (ring points,
   * rendezvous scores).
   * For a fixed {@code a} it is a bijection of {@code b}, and the other way round.
   */
  public static long combine(long a, long b) {
    return fmix64(a + GOLDEN_GAMMA * b);
  }

  static long fnv1a(CharSequence text, int start, int end) {
    long h = FNV_OFFSET_BASIS;
    for (int i = start; i < end; i++) {
      h = (h ^ text.charAt(i)) * FNV_PRIME;
    }
    return h;
  }

  static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
