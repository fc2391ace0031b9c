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
   * Values this thread verified recently, direct-mapped by hash: a session sends the same cookie
   * on every request until it is re-issued, so its signature needs checking once, not per request.
   * Only values whose signature verified get in, so the cache cannot be fed forgeries; it belongs
   * to one codec, so a new key ring starts it empty. Times are still judged on every request.
   */
  private final String[] recentValues = new String[RECENT_SLOTS];
  private final AffinityCookie[] recentCookies = new AffinityCookie[RECENT_SLOTS];
  private static final int RECENT_SLOTS = 512;

  CodecScratch(KeyRing ring) {
    this.ring = ring;
  }

  AffinityCookie recentlyVerified(CharSequence value) {
    if (!(value instanceof String)) {
      return null;
    }
    int slot = value.hashCode() & (RECENT_SLOTS - 1);
    return value.equals(recentValues[slot]) ? recentCookies[slot] : null;
  }

  void rememberVerified(CharSequence value, AffinityCookie cookie) {
    if (value instanceof String) {
      int slot = value.hashCode() & (RECENT_SLOTS - 1);
      recentValues[slot] = (String) value;
      recentCookies[slot] = cookie;
    }
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
