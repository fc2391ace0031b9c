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

  CodecScratch(KeyRing ring) {
    this.ring = ring;
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
