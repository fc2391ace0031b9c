package io.stickypool.core.cookie;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;

/**
 * One thread's working memory for a {@link CookieCodec}: the decode buffer, the tag buffer and one
 * {@link Mac} per key id, created on first use. Macs are stateful and not thread-safe, and creating
 * one costs far more than using it, hence one set per thread rather than per call.
 *
 * <p>Confined to one thread (held in a ThreadLocal); never shared.
 */
final class CodecScratch {
  /** Large enough for the longest value decode looks at, so any such text fits. */
  final byte[] bytes = new byte[Base64Url.maxDecodedLength(CookieCodec.MAX_ENCODED_LENGTH)];
  private final byte[] tag = new byte[32];
  private final Mac[] macs = new Mac[SigningKey.MAX_ID + 1];
  private final KeyRing ring;

  /**
   * Values this thread verified recently, in sets of two slots picked by hash and kept in least
   * recently used order (slot {@code 2 * set} the newer): a session sends the same cookie on every
   * request until it is re-issued, so its signature needs checking once, not per request. Two ways
   * rather than one because 64 sessions on one event loop, direct-mapped into 512 slots, lose
   * about 12% of their hits to pairs that share a slot and evict each other on every request.
   * Only values whose signature verified get in, so the cache cannot be fed forgeries; it belongs
   * to one codec, so a new key ring starts it empty. Times are still judged on every request. Each
   * value is kept with its VALID result, so judging it again as VALID allocates nothing.
   */
  private final String[] recentValues = new String[2 * RECENT_SETS];
  private final CookieDecodeResult[] recentResults = new CookieDecodeResult[2 * RECENT_SETS];
  private static final int RECENT_SETS = 256;

  CodecScratch(KeyRing ring) {
    this.ring = ring;
  }

  /** The VALID result of a value verified recently, or null; its times are yet to be judged. */
  CookieDecodeResult recentlyVerified(CharSequence value) {
    if (!(value instanceof String)) {
      return null;
    }
    int newer = newerSlot(value);
    if (value.equals(recentValues[newer])) {
      return recentResults[newer];
    }
    if (!value.equals(recentValues[newer + 1])) {
      return null;
    }
    CookieDecodeResult hit = recentResults[newer + 1];
    keepNewest(newer, (String) value, hit);
    return hit;
  }

  /** Remembers a value whose signature verified, with {@code result} if VALID (else a VALID one). */
  void rememberVerified(CharSequence value, CookieDecodeResult result) {
    if (value instanceof String) {
      CookieDecodeResult valid =
          result.isValid() ? result : new CookieDecodeResult(CookieStatus.VALID, result.cookie());
      keepNewest(newerSlot(value), (String) value, valid);
    }
  }

  /** Puts the value in the newer slot of its set; the one there moves to the older slot. */
  private void keepNewest(int newer, String value, CookieDecodeResult result) {
    recentValues[newer + 1] = recentValues[newer];
    recentResults[newer + 1] = recentResults[newer];
    recentValues[newer] = value;
    recentResults[newer] = result;
  }

  private static int newerSlot(CharSequence value) {
    return (value.hashCode() & (RECENT_SETS - 1)) << 1;
  }

  /** The Mac of key {@code keyId}, or null when the ring has no such key. */
  Mac mac(int keyId) {
    Mac mac = macs[keyId];
    if (mac == null) {
      SigningKey key = ring.key(keyId);
      if (key == null) {
        return null;
      }
      mac = key.newMac();
      macs[keyId] = mac;
    }
    return mac;
  }

  /** Writes the truncated tag over {@code bytes[SIGNED_LENGTH..LENGTH)}. */
  void sign(Mac mac) {
    computeTag(mac);
    System.arraycopy(tag, 0, bytes, CookieLayout.SIGNED_LENGTH, CookieLayout.TAG_LENGTH);
  }

  /** Whether the tag in {@code bytes} is right, compared in constant time. */
  boolean verify(Mac mac) {
    computeTag(mac);
    // OR of XORs with no early exit: the time taken does not reveal how many bytes matched.
    int diff = 0;
    for (int i = 0; i < CookieLayout.TAG_LENGTH; i++) {
      diff |= tag[i] ^ bytes[CookieLayout.SIGNED_LENGTH + i];
    }
    return diff == 0;
  }

  private void computeTag(Mac mac) {
    mac.update(bytes, 0, CookieLayout.SIGNED_LENGTH);
    try {
      mac.doFinal(tag, 0); // also resets the Mac for the next call
    } catch (ShortBufferException e) {
      throw new IllegalStateException("tag buffer is sized for HmacSHA256", e);
    }
  }
}
